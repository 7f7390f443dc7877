/**
 * MCP servers as skills (docs/api.md#skills): listed and shown from the store and the registry
 * (mcp-servers.ts), and added, removed and reconnected by the mcp module itself, asked over the
 * event bus (lib/mcp-server-requests.ts), so that validation — the transport type included, which
 * the original did not check —, errors and `server-*` events are those of `/api/mcp/servers`.
 * Adding a server may run a command: master only (docs/http.md#secrets).
 */
import { HttpError, requestBody, type ModuleContext, type ModuleRouter, type RequestContext } from '../../../kernel/index.ts';
import { askMcpServers } from '../../../lib/mcp-server-requests.ts';
import { listServers, serverDetail } from '../mcp-servers.ts';

const serverName = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };
const nameParams = { type: 'object', properties: { name: serverName }, required: ['name'] };
const addBody = {
  type: 'object',
  required: ['name'],
  properties: {
    name: serverName,
    config: { type: 'object', description: 'type (stdio, npm, npx, http, sse), command/args/env, package, url/headers, timeout, autoReconnect, maxReconnectAttempts, enabled' },
  },
  description: 'As POST /api/mcp/servers: the config fields may also sit at the top level',
};

/** Group admins never reach /api/skills (the kernel refuses them); this holds even if that changes. */
async function masterOnly(c: RequestContext, next: () => Promise<unknown>): Promise<void> {
  if (c.state.user?.role !== 'master') throw new HttpError(403, 'FORBIDDEN', 'Only the master may change MCP servers');
  await next();
}

export function mcpRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const v = ctx.validate;

  router.get('/mcp/servers', v({ summary: 'MCP servers with their type, state and tool count' }), async (c) => {
    c.body = await listServers(ctx);
  });

  router.post('/mcp/servers', masterOnly, v({ summary: 'Add an MCP server and connect it (as POST /api/mcp/servers)', body: addBody, deprecated: true }), async (c) => {
    const body = requestBody<Record<string, unknown>>(c);
    await askMcpServers(ctx.events, { op: 'add', body });
    c.status = 201;
    c.body = await serverDetail(ctx, body.name as string);
  });

  router.get('/mcp/servers/:name', v({ summary: 'One MCP server with its tools', params: nameParams }), async (c) => {
    c.body = await serverDetail(ctx, c.params.name);
  });

  router.delete('/mcp/servers/:name', masterOnly, v({ summary: 'Disconnect and remove an MCP server (as DELETE /api/mcp/servers/:name)', params: nameParams }), async (c) => {
    await askMcpServers(ctx.events, { op: 'remove', name: c.params.name });
    c.body = { success: true };
  });

  router.post('/mcp/servers/:name/reconnect', masterOnly, v({
    summary: 'Disconnect and connect an MCP server again (as POST /api/mcp/servers/:name/reconnect)',
    params: nameParams,
    noBody: true,
    deprecated: true,
  }), async (c) => {
    await askMcpServers(ctx.events, { op: 'reconnect', name: c.params.name });
    c.body = { success: true, ...(await serverDetail(ctx, c.params.name)) };
  });
}
