/**
 * The mcp module's answers to requests from other modules (lib/mcp-server-requests.ts): the same
 * service calls, with the same checks, as its own `/api/mcp/servers*` routes.
 */
import type { McpServerRequest } from '../../lib/mcp-server-requests.ts';
import { checkServerName, configOf, normalizeConfig } from './server-config.ts';
import type { McpService } from './service.ts';

export async function answerRequest(service: McpService, request: McpServerRequest): Promise<unknown> {
  switch (request.op) {
    case 'add': {
      const name = checkServerName(request.body.name, 'body.name');
      const { raw, where } = configOf(request.body);
      return service.add(name, normalizeConfig(raw, where));
    }
    case 'remove':
      return service.remove(request.name);
    case 'reconnect':
      return service.reconnect(request.name);
    case 'reconnect-all':
      return service.reconnectAll();
  }
}
