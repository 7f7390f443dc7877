/** The `/api/mcp` routes (docs/api.md#mcp). Changes that run commands are master-only (docs/http.md#secrets). */
import { HttpError, requestBody } from '../../kernel/index.ts';
import type { ModuleContext, ModuleRouter, RequestContext } from '../../kernel/index.ts';
import { clientGone, executeTool } from '../../lib/tool-state/execute.ts';
import * as schema from './schemas.ts';
import { configOf, normalizeConfig } from './server-config.ts';
import type { McpService } from './service.ts';

type Next = () => Promise<unknown>;

/** Group admins never reach /api/mcp (the kernel refuses them); this holds even if that changes. */
async function masterOnly(c: RequestContext, next: Next): Promise<void> {
  if (c.state.user?.role !== 'master') throw new HttpError(403, 'FORBIDDEN', 'Only the master may change MCP servers');
  await next();
}


export function mcpRoutes(router: ModuleRouter, ctx: ModuleContext, service: () => McpService): void {
  const v = ctx.validate;

  router.get('/servers', v({ summary: 'List MCP servers with their status' }), (c) => {
    c.body = service().list();
  });

  router.post('/servers', masterOnly, v({ summary: 'Add an MCP server and connect it', body: schema.addBody }), async (c) => {
    const { raw, where } = configOf(requestBody(c));
    const config = normalizeConfig(raw, where);
    c.body = await service().add(requestBody(c).name as string, config);
    c.status = 201;
  });

  router.post('/servers/reconnect-all', masterOnly, v({ summary: 'Reconnect every enabled MCP server', noBody: true }), async (c) => {
    c.body = await service().reconnectAll();
  });

  router.get('/servers/:name', v({ summary: 'One MCP server with its config, tools, resources and prompts', params: schema.nameParams }), (c) => {
    c.body = service().detail(c.params.name);
  });

  router.put('/servers/:name', masterOnly, v({ summary: 'Replace an MCP server config and reconnect', params: schema.nameParams, body: schema.updateBody }), async (c) => {
    const { raw, where } = configOf(requestBody(c));
    c.body = await service().update(c.params.name, normalizeConfig(raw, where));
  });

  router.delete('/servers/:name', masterOnly, v({ summary: 'Disconnect and remove an MCP server', params: schema.nameParams }), async (c) => {
    await service().remove(c.params.name);
    c.body = { success: true };
  });

  router.post('/servers/:name/connect', masterOnly, v({ summary: 'Connect an MCP server', params: schema.nameParams, noBody: true }), async (c) => {
    c.body = await service().connect(c.params.name);
  });

  router.post('/servers/:name/disconnect', masterOnly, v({ summary: 'Disconnect an MCP server', params: schema.nameParams, noBody: true }), async (c) => {
    c.body = await service().disconnect(c.params.name);
  });

  router.post('/servers/:name/reconnect', masterOnly, v({ summary: 'Disconnect and connect an MCP server again', params: schema.nameParams, noBody: true }), async (c) => {
    c.body = await service().reconnect(c.params.name);
  });

  router.get('/servers/:name/tools', v({ summary: 'Tools of one MCP server', params: schema.nameParams }), (c) => {
    c.body = service().tools(c.params.name);
  });

  router.post('/servers/:name/tools/:tool/call', masterOnly, v({ summary: 'Call one tool of an MCP server through the tool registry', params: schema.toolParams, body: schema.callBody }), async (c) => {
    // Through the same path as /api/tools/call: the tool switches apply and the call is logged.
    const name = service().registryName(c.params.name, c.params.tool);
    c.body = (await executeTool(ctx, name, (requestBody(c).args ?? {}) as Record<string, unknown>, { user: c.state.user, signal: clientGone(c) })).result;
  });

  router.get('/servers/:name/resources', v({ summary: 'Resources of one MCP server', params: schema.nameParams }), (c) => {
    c.body = service().resourcesOf(c.params.name);
  });

  router.get('/resources', v({ summary: 'All resources, or read one with ?server=&uri=', query: schema.resourcesQuery }), async (c) => {
    const { server, uri } = c.query as { server?: string; uri?: string };
    if (server === undefined && uri === undefined) {
      c.body = service().allResources();
      return;
    }
    if (!server || !uri) throw new HttpError(400, 'VALIDATION_ERROR', 'Give both server and uri to read a resource', { details: [{ path: server ? 'query.uri' : 'query.server', message: 'is required' }] });
    c.body = await service().readResource(server, uri);
  });

  router.post('/resources/read', v({ summary: 'Read one resource of an MCP server', body: schema.readResourceBody }), async (c) => {
    const { serverName, uri } = requestBody(c) as { serverName: string; uri: string };
    c.body = await service().readResource(serverName, uri);
  });

  router.get('/prompts', v({ summary: 'All prompts of the connected MCP servers' }), (c) => {
    c.body = service().allPrompts();
  });

  router.post('/prompts/get', v({ summary: 'Render one prompt of an MCP server', body: schema.getPromptBody }), async (c) => {
    const { serverName, name, args } = requestBody(c) as { serverName: string; name: string; args?: Record<string, string> };
    c.body = await service().getPrompt(serverName, name, args ?? {});
  });

  router.post('/import', masterOnly, v({ summary: 'Import Claude-Desktop style {mcpServers}', body: schema.importBody }), async (c) => {
    c.body = await service().importServers(requestBody(c).mcpServers as Record<string, unknown>);
  });
}
