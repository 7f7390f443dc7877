/**
 * The original's legacy tool list `tools.enabled` (docs/api.md#tools): `GET|PUT /enabled` and
 * `POST /toggle/:name`. As in the original, the list is independent of `builtinTools`: it changes no
 * tool's availability, which the `builtinTools` switches alone decide. A change is announced as
 * `tools-reloaded` (reason `legacy-enabled`), like every other write of tool settings.
 */
import { notFound, requestBody, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import { knownCategories } from '../../../lib/tool-state/known-categories.ts';
import { enabledBody, toolName, toolNames } from '../../../lib/tool-state/schemas.ts';

/** The stored list; anything but a list of strings (a hand edit) reads as empty. */
function legacyList(ctx: ModuleContext): string[] {
  const list = ctx.config.get<unknown>('tools.enabled');
  return Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : [];
}

/** Rewrites the list inside the update that serializes tool state changes, so two changes cannot lose each other. */
async function changeLegacyList(ctx: ModuleContext, next: (current: string[]) => string[]): Promise<void> {
  const tools = await knownCategories(ctx.store).update(async () => {
    const list = next(legacyList(ctx));
    await ctx.config.update({ tools: { enabled: list } });
    return list;
  });
  ctx.events.publish('tools-reloaded', { reason: 'legacy-enabled', enabledList: tools });
}

export function legacyEnabledRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const v = ctx.validate;

  router.get('/enabled', v({ summary: 'The legacy list tools.enabled (independent of builtinTools)', deprecated: true }), (c) => {
    c.body = legacyList(ctx);
  });

  router.put('/enabled', v({
    summary: 'Replace the legacy list tools.enabled',
    body: { type: 'object', properties: { tools: toolNames }, required: ['tools'], additionalProperties: false },
    deprecated: true,
  }), async (c) => {
    const { tools } = requestBody<{ tools: string[] }>(c);
    await changeLegacyList(ctx, () => tools);
    c.body = { success: true, tools };
  });

  router.post('/toggle/:name', v({
    summary: 'Add a tool name to the legacy list tools.enabled, or remove it',
    params: { type: 'object', properties: { name: toolName }, required: ['name'] },
    body: enabledBody,
    deprecated: true,
  }), async (c) => {
    const { name } = c.params;
    const { enabled } = requestBody<{ enabled: boolean }>(c);
    await changeLegacyList(ctx, (current) => {
      if (!ctx.tools.get(name) && !current.includes(name)) throw notFound('TOOL_NOT_FOUND', `No tool named "${name}"`);
      return enabled ? [...new Set([...current, name])] : current.filter((n) => n !== name);
    });
    c.body = { success: true, enabled };
  });
}
