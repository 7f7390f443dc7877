/**
 * The paths the English documentation describes for the same operations (docs/api.md#tools, rows marked D):
 * `POST /:name/execute`, `PUT /:name/toggle`, `PUT /category/:category/toggle`. Registered after the
 * fixed paths (`/custom/:name`, `/js/:name`) so that those keep their meaning.
 */
import { requestBody, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import { toggleCategory, toggleTool } from '../../../lib/tool-state/changes.ts';
import { clientGone, executeTool } from '../../../lib/tool-state/execute.ts';
import { categoryKey, enabledBody, toolArgs, toolName } from '../../../lib/tool-state/schemas.ts';

const nameParams = { type: 'object', properties: { name: toolName }, required: ['name'] };

export function docAliasRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const v = ctx.validate;

  router.post('/:name/execute', v({
    summary: 'Call a tool (same as POST /api/tools/call)',
    params: nameParams,
    body: { type: 'object', properties: { args: toolArgs }, additionalProperties: false },
  }), async (c) => {
    const { args } = requestBody<{ args?: Record<string, unknown> }>(c);
    c.body = await executeTool(ctx, c.params.name, args, { user: c.state.user, signal: clientGone(c) });
  });

  router.put('/:name/toggle', v({ summary: 'Enable or disable one tool', params: nameParams, body: enabledBody }), async (c) => {
    c.body = await toggleTool(ctx, c.params.name, requestBody<{ enabled: boolean }>(c).enabled);
  });

  router.put('/category/:category/toggle', v({
    summary: 'Enable or disable a tool category',
    params: { type: 'object', properties: { category: categoryKey }, required: ['category'] },
    body: enabledBody,
  }), async (c) => {
    c.body = await toggleCategory(ctx, c.params.category, requestBody<{ enabled: boolean }>(c).enabled);
  });
}
