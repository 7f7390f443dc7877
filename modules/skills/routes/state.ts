/** Skill routes that read or change tool state: status, categories, toggles, bulk switches, reload, stats. */
import { requestBody, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import { disableAll, enableAll, reloadTools, toggleCategory, toggleTool } from '../../../lib/tool-state/changes.ts';
import { categoryKey, enabledBody, toolName } from '../../../lib/tool-state/schemas.ts';
import { loadToolState, toolStats } from '../../../lib/tool-state/view.ts';
import { listServers } from '../mcp-servers.ts';

export function stateRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const v = ctx.validate;

  router.get('/status', v({ summary: 'Snapshot of MCP servers, tool counts and categories' }), async (c) => {
    const state = await loadToolState(ctx);
    c.body = {
      servers: await listServers(ctx),
      stats: toolStats(state),
      categories: state.categories.map(({ key, name, toolCount, enabled }) => ({ key, name, toolCount, enabled })),
      timestamp: Date.now(),
    };
  });

  router.get('/categories', v({ summary: 'Tool categories with their tools and enabled state' }), async (c) => {
    c.body = (await loadToolState(ctx)).categories;
  });

  router.post('/categories/:key/toggle', v({
    summary: 'Enable or disable a tool category',
    params: { type: 'object', properties: { key: categoryKey }, required: ['key'] },
    body: enabledBody,
  }), async (c) => {
    c.body = await toggleCategory(ctx, c.params.key, requestBody<{ enabled: boolean }>(c).enabled);
  });

  router.post('/tools/:name/toggle', v({
    summary: 'Enable or disable one tool',
    params: { type: 'object', properties: { name: toolName }, required: ['name'] },
    body: enabledBody,
  }), async (c) => {
    c.body = await toggleTool(ctx, c.params.name, requestBody<{ enabled: boolean }>(c).enabled);
  });

  router.post('/reload', v({ summary: 'Reload the tools and report the counts', noBody: true }), async (c) => {
    c.body = await reloadTools(ctx);
  });

  router.post('/enable-all', v({ summary: 'Enable every tool and category', noBody: true }), async (c) => {
    c.body = await enableAll(ctx);
  });

  router.post('/disable-all', v({ summary: 'Disable every tool', noBody: true }), async (c) => {
    c.body = await disableAll(ctx);
  });

  router.get('/stats', v({ summary: 'Tool counts: total, enabled, disabled, per category' }), async (c) => {
    c.body = toolStats(await loadToolState(ctx));
  });
}
