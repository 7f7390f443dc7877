/** Builds the client transport for a server config: stdio in its own process group, streamable HTTP, SSE. */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ProcessGroupTransport } from './process-transport.ts';
import type { Sdk } from './sdk.ts';
import type { ServerConfig } from './server-config.ts';

export function createTransport(config: ServerConfig, sdk: Sdk, onStderr: (line: string) => void): Transport {
  switch (config.type) {
    case 'stdio':
      return new ProcessGroupTransport({ command: config.command!, args: config.args ?? [], env: config.env, onStderr }, sdk);
    case 'npm':
    case 'npx':
      // docs/api.md#mcp: `npx -y --prefer-offline <package> <args>`.
      return new ProcessGroupTransport({ command: 'npx', args: ['-y', '--prefer-offline', config.package!, ...(config.args ?? [])], env: config.env, onStderr }, sdk);
    case 'http':
      return new sdk.StreamableHTTPClientTransport(new URL(config.url!), { requestInit: { headers: config.headers } });
    case 'sse':
      return new sdk.SSEClientTransport(new URL(config.url!), { requestInit: { headers: config.headers } });
  }
}
