/**
 * Every change of tool state, whichever route asks for it (`/api/tools` or `/api/skills`): the
 * change is written to `builtinTools` in the configuration and announced once on the event bus, so
 * that `/api/skills/sse` reports it no matter where it came from (KERNEL.md §10 item 9).
 */
import { notFound, type ModuleContext } from '../../kernel/index.ts';
import { readKnownCategories, writeKnownCategories } from './known-categories.ts';
import { rawToolSettings, readToolSettings, type ToolSettings } from './settings.ts';
import { loadToolState, toolStats, type ToolState } from './view.ts';

/** The settings a client reads and writes (`GET|PUT /api/tools/builtin/config`); null categories = all enabled. */
export type PublicToolSettings = Omit<ToolSettings, 'enabledCategories'> & { enabledCategories: string[] | null };

export function publicSettings(settings: ToolSettings): PublicToolSettings {
  return { ...settings, enabledCategories: settings.enabledCategories ?? null };
}

const union = (...lists: Array<readonly string[]>) => [...new Set(lists.flat())];

async function save(ctx: ModuleContext, changes: Record<string, unknown>): Promise<void> {
  // The whole section is written back, so a shallow or a deep merge by the config service both keep the rest.
  await ctx.config.update({ builtinTools: { ...rawToolSettings(ctx.config), ...changes } });
}

/** Records the categories that exist now, whenever `enabledCategories` is written. */
async function rememberCategories(ctx: ModuleContext, state: ToolState): Promise<void> {
  await writeKnownCategories(ctx.store, union(await readKnownCategories(ctx.store), state.categories.map((c) => c.key)));
}

function counts(state: ToolState) {
  const stats = toolStats(state);
  return {
    count: stats.total,
    enabled: stats.enabled,
    builtin: state.tools.filter((t) => t.source === 'builtin').length,
    custom: state.tools.filter((t) => t.source === 'custom').length,
    mcp: state.tools.filter((t) => t.source === 'mcp').length,
  };
}

export async function toggleCategory(ctx: ModuleContext, key: string, enabled: boolean) {
  const state = await loadToolState(ctx);
  const keys = state.categories.map((c) => c.key);
  if (!keys.includes(key)) throw notFound('CATEGORY_NOT_FOUND', `No tool category "${key}"`);
  // Stored keys of categories that are absent right now (a disconnected MCP server) are kept.
  const current = union(keys.filter(state.isCategoryEnabled), state.settings.enabledCategories ?? []);
  const enabledCategories = enabled ? union(current, [key]) : current.filter((k) => k !== key);
  await save(ctx, { enabledCategories });
  await rememberCategories(ctx, state);
  ctx.events.publish('category-toggled', { category: key, enabled });
  return { success: true, category: key, enabled, enabledCategories };
}

export async function toggleTool(ctx: ModuleContext, name: string, enabled: boolean) {
  const settings = readToolSettings(ctx.config);
  if (!ctx.tools.get(name) && !settings.disabledTools.includes(name)) throw notFound('TOOL_NOT_FOUND', `No tool named "${name}"`);
  const disabledTools = enabled ? settings.disabledTools.filter((n) => n !== name) : union(settings.disabledTools, [name]);
  await save(ctx, { disabledTools });
  ctx.events.publish('tool-toggled', { tool: name, enabled });
  return { success: true, tool: name, enabled, disabledTools };
}

/** Master switch on, every category on, no tool disabled individually. */
export async function enableAll(ctx: ModuleContext) {
  const before = await loadToolState(ctx);
  const known = await readKnownCategories(ctx.store);
  await save(ctx, { enabled: true, enabledCategories: union(before.categories.map((c) => c.key), known, before.settings.enabledCategories ?? []), disabledTools: [] });
  await rememberCategories(ctx, before);
  const result = { success: true, enabledCount: toolStats(await loadToolState(ctx)).enabled };
  ctx.events.publish('tools-enabled-all', result);
  return result;
}

/** Every registered tool written into `disabledTools` (categories untouched, as in the original). */
export async function disableAll(ctx: ModuleContext) {
  const state = await loadToolState(ctx);
  const names = state.tools.map((t) => t.name);
  await save(ctx, { disabledTools: union(state.settings.disabledTools, names) });
  const result = { success: true, disabledCount: names.length };
  ctx.events.publish('tools-disabled-all', result);
  return result;
}

/** Writes any of the `builtinTools` settings; omitted keys keep their value. */
export async function updateSettings(ctx: ModuleContext, patch: Partial<PublicToolSettings>, reason: string) {
  const before = await loadToolState(ctx);
  const changes: Record<string, unknown> = { ...patch };
  if (patch.fetch) changes.fetch = { ...before.settings.fetch, ...patch.fetch };
  // null = every category: written as the full list, and categories added later count as enabled.
  if (patch.enabledCategories === null) changes.enabledCategories = union(before.categories.map((c) => c.key), await readKnownCategories(ctx.store));
  await save(ctx, changes);
  if (patch.enabledCategories !== undefined) await rememberCategories(ctx, before);
  const after = await loadToolState(ctx);
  ctx.events.publish('tools-reloaded', { reason, ...counts(after) });
  return { success: true, config: publicSettings(after.settings) };
}

/** Flags or unflags one tool as dangerous. */
export async function toggleDangerous(ctx: ModuleContext, name: string, isDangerous: boolean) {
  const settings = readToolSettings(ctx.config);
  const dangerousTools = isDangerous ? union(settings.dangerousTools, [name]) : settings.dangerousTools.filter((n) => n !== name);
  await updateSettings(ctx, { dangerousTools }, 'dangerous');
  return { success: true, toolName: name, isDangerous, dangerousTools };
}

/**
 * Re-reads the tool state and announces it. Built-in tools live in the registry for as long as their
 * module is loaded, and MCP tools follow their servers, so there is nothing to rebuild here.
 */
export async function reloadTools(ctx: ModuleContext) {
  const result = { success: true, ...counts(await loadToolState(ctx)) };
  ctx.events.publish('tools-reloaded', { reason: 'reload', ...result });
  return result;
}
