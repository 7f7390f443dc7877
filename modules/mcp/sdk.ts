/**
 * The MCP SDK, loaded on first use. Measured: requiring the client and its transports adds about
 * 26 MB of RSS (zod, ajv, the SDK) and a few hundred ms — a kernel with no MCP server pays neither.
 * (The kernel bundles this module as CommonJS, where `import()` of a package stays a lazy require.)
 */
import type * as ClientModule from '@modelcontextprotocol/sdk/client/index.js';
import type * as SseModule from '@modelcontextprotocol/sdk/client/sse.js';
import type * as HttpModule from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type * as StdioModule from '@modelcontextprotocol/sdk/shared/stdio.js';
import type * as TypesModule from '@modelcontextprotocol/sdk/types.js';

export interface Sdk {
  Client: typeof ClientModule.Client;
  StreamableHTTPClientTransport: typeof HttpModule.StreamableHTTPClientTransport;
  SSEClientTransport: typeof SseModule.SSEClientTransport;
  /** The official stdio framing (newline-delimited JSON-RPC). */
  ReadBuffer: typeof StdioModule.ReadBuffer;
  serializeMessage: typeof StdioModule.serializeMessage;
  types: typeof TypesModule;
}

let loading: Promise<Sdk> | undefined;

export function loadSdk(): Promise<Sdk> {
  loading ??= Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/client/sse.js'),
    import('@modelcontextprotocol/sdk/shared/stdio.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]).then(([client, http, sse, stdio, types]) => ({
    Client: client.Client,
    StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
    SSEClientTransport: sse.SSEClientTransport,
    ReadBuffer: stdio.ReadBuffer,
    serializeMessage: stdio.serializeMessage,
    types,
  }));
  return loading;
}
