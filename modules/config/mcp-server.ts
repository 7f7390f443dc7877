/**
 * Settings of the exposed MCP server (docs/api.md#config, docs/api.md#mcp-server): `GET|PUT /api/config/mcp-server` and
 * `POST /api/config/mcp-server/generate-key`. The key is shown masked, except once, when generated.
 */
import { randomBytes } from 'node:crypto';
import { maskKey, requestBody, type ModuleConfig, type ModuleContext, type ModuleRouter } from '../../kernel/index.ts';
import { followSessionCount } from '../../lib/mcp-server-sessions.ts';
import { exposedTools } from '../../lib/tool-state/view.ts';

const settingsBody = {
  type: 'object',
  properties: { enabled: { type: 'boolean' }, apiKey: { type: 'string', maxLength: 256, description: 'Sent back masked, it stays as it is' } },
  additionalProperties: false,
};

export function mcpServerRoutes(router: ModuleRouter, ctx: ModuleContext, config: ModuleConfig): void {
  const activeSessions = followSessionCount(ctx.events);
  const settings = async () => ({
    enabled: config.get('mcp.server.enabled') === true,
    apiKey: maskKey(config.get<string>('mcp.server.apiKey')),
    mcpEnabled: config.get('mcp.enabled') !== false,
    toolCount: (await exposedTools(ctx)).length,
    endpoint: '/mcp',
    activeSessions: activeSessions(),
  });

  router.get('/mcp-server', ctx.validate({ summary: 'Settings of the exposed MCP server (the key masked)' }), async (c) => {
    c.body = await settings();
  });

  router.put('/mcp-server', ctx.validate({ summary: 'Switch the exposed MCP server on or off, or set its key', body: settingsBody }), async (c) => {
    const { enabled, apiKey } = requestBody<{ enabled?: boolean; apiKey?: string }>(c);
    await config.update({
      ...(enabled === undefined ? {} : { 'mcp.server.enabled': enabled }),
      ...(apiKey === undefined ? {} : { 'mcp.server.apiKey': apiKey }),
    });
    c.body = await settings();
  });

  router.post('/mcp-server/generate-key', ctx.validate({ summary: 'A new key for the exposed MCP server, stored at once and shown this once', noBody: true }), async (c) => {
    const apiKey = `mcp-${randomBytes(24).toString('hex')}`;
    await config.update({ 'mcp.server.apiKey': apiKey });
    c.body = { apiKey };
  });
}
