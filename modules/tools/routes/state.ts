/** Routes that read and change tool state: listings, categories, toggles, settings, dangerous tools. */
import { requestBody, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import {
  disableAll, enableAll, publicSettings, reloadTools, toggleCategory, toggleDangerous, toggleTool, updateSettings,
} from '../../../lib/tool-state/changes.ts';
import { categoryKey, toolName, toolNames } from '../../../lib/tool-state/schemas.ts';
import { readToolSettings } from '../../../lib/tool-state/settings.ts';
import { loadToolState } from '../../../lib/tool-state/view.ts';

const settingsBody = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    enabledCategories: { type: ['array', 'null'], items: categoryKey, maxItems: 1000, uniqueItems: true },
    allowedTools: toolNames,
    disabledTools: toolNames,
    dangerousTools: toolNames,
    allowDangerous: { type: 'boolean' },
    fetch: {
      type: 'object',
      properties: {
        allowPrivateNetwork: { type: 'boolean' },
        allowedHosts: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9.:\\[\\]_-]{1,253}$' }, maxItems: 100 },
        maxBytes: { type: 'integer', minimum: 1, maximum: 104_857_600 },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 300_000 },
        maxRedirects: { type: 'integer', minimum: 0, maximum: 20 },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
  minProperties: 1,
};

export function stateRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const v = ctx.validate;

  router.get('/', v({
    summary: 'List tools, optionally filtered by category or source, with their categories',
    query: { type: 'object', properties: { category: categoryKey, source: { type: 'string', enum: ['builtin', 'custom', 'mcp'] } } },
  }), async (c) => {
    const state = await loadToolState(ctx);
    const { category, source } = c.query as { category?: string; source?: string };
    const tools = state.tools.filter((t) => (!category || t.category === category) && (!source || t.source === source));
    c.body = { tools, categories: state.categories };
  });

  router.get('/list', v({ summary: 'List every tool with its enabled and available state' }), async (c) => {
    c.body = (await loadToolState(ctx)).tools;
  });

  const effective = v({ summary: 'List the enabled built-in, custom and JS tools (master switch, categories, disabledTools applied)' });
  for (const path of ['/builtin', '/builtin/list']) {
    router.get(path, effective, async (c) => {
      c.body = (await loadToolState(ctx)).tools.filter((t) => t.enabled && t.source !== 'mcp');
    });
  }

  router.get('/builtin/config', v({ summary: 'Read the builtinTools settings' }), (c) => {
    c.body = publicSettings(readToolSettings(ctx.config));
  });

  router.put('/builtin/config', v({ summary: 'Change builtinTools settings (omitted keys keep their value)', body: settingsBody }), async (c) => {
    c.body = await updateSettings(ctx, requestBody<Record<string, never>>(c), 'config');
  });

  router.get('/builtin/categories', v({ summary: 'List tool categories with their tools and enabled state' }), async (c) => {
    c.body = (await loadToolState(ctx)).categories;
  });

  router.post('/builtin/category/toggle', v({
    summary: 'Enable or disable a tool category',
    body: { type: 'object', properties: { category: categoryKey, enabled: { type: 'boolean' } }, required: ['category', 'enabled'], additionalProperties: false },
  }), async (c) => {
    const { category, enabled } = requestBody<{ category: string; enabled: boolean }>(c);
    c.body = await toggleCategory(ctx, category, enabled);
  });

  router.post('/builtin/tool/toggle', v({
    summary: 'Enable or disable one tool',
    body: { type: 'object', properties: { toolName, enabled: { type: 'boolean' } }, required: ['toolName', 'enabled'], additionalProperties: false },
  }), async (c) => {
    const { toolName: name, enabled } = requestBody<{ toolName: string; enabled: boolean }>(c);
    c.body = await toggleTool(ctx, name, enabled);
  });

  router.post('/builtin/enable-all', v({ summary: 'Enable every tool and category', noBody: true }), async (c) => {
    c.body = await enableAll(ctx);
  });

  router.post('/builtin/disable-all', v({ summary: 'Disable every tool', noBody: true }), async (c) => {
    c.body = await disableAll(ctx);
  });

  for (const [path, summary] of [
    ['/builtin/refresh', 'Reload the built-in tools'],
    ['/refresh', 'Refresh the tool registry'],
    ['/reload', 'Reload tools and report the counts'],
  ]) {
    router.post(path, v({ summary, noBody: true }), async (c) => {
      c.body = await reloadTools(ctx);
    });
  }

  router.get('/dangerous', v({ summary: 'List dangerous tools and the allowDangerous switch' }), async (c) => {
    const state = await loadToolState(ctx);
    c.body = {
      allowDangerous: state.settings.allowDangerous,
      dangerousTools: state.settings.dangerousTools,
      tools: state.tools.map((t) => ({ name: t.name, description: t.description, serverName: t.serverName, isDangerous: t.dangerous })),
    };
  });

  router.put('/dangerous', v({
    summary: 'Change the dangerous tool list or the explicit opt-in allowDangerous',
    body: { type: 'object', properties: { dangerousTools: toolNames, allowDangerous: { type: 'boolean' } }, additionalProperties: false, minProperties: 1 },
  }), async (c) => {
    const { config } = await updateSettings(ctx, requestBody<Record<string, never>>(c), 'dangerous');
    c.body = { success: true, dangerousTools: config.dangerousTools, allowDangerous: config.allowDangerous };
  });

  router.post('/dangerous/toggle', v({
    summary: 'Flag or unflag one tool as dangerous',
    body: { type: 'object', properties: { toolName, isDangerous: { type: 'boolean' } }, required: ['toolName', 'isDangerous'], additionalProperties: false },
  }), async (c) => {
    const { toolName: name, isDangerous } = requestBody<{ toolName: string; isDangerous: boolean }>(c);
    c.body = await toggleDangerous(ctx, name, isDangerous);
  });
}
