/**
 * Every change of tool state, whichever route asks for it (`/api/tools` or `/api/skills`): the
 * change is written to `builtinTools` in the configuration and announced once on the event bus, so
 * that `/api/skills/sse` reports it no matter where it came from (docs/architecture.md#events).
 */
import { notFound, type ModuleContext } from '../../kernel/index.ts';
import { knownCategories, type KnownCategories } from './known-categories.ts';
import { rawToolSettings, readToolSettings, type ToolSettings } from './settings.ts';
import { loadToolState, toolState, toolStats, type ToolState } from './view.ts';

/** The settings a client reads and writes (`GET|PUT /api/tools/builtin/config`); null categories = all enabled. */
export type PublicToolSettings = Omit<ToolSettings, 'enabledCategories'> & { enabledCategories: string[] | null };

export function publicSettings(settings: ToolSettings): PublicToolSettings {
  return { ...settings, enabledCategories: settings.enabledCategories ?? null };
}

const union = (...lists: Array<readonly string[]>) => [...new Set(lists.flat())];

interface Change {
  state: ToolState;
  /** Categories seen when `enabledCategories` was last written (some may be absent now). */
  known: string[];
  /** Writes keys of `builtinTools`; the rest of the section is kept. */
  save(changes: Record<string, unknown>): Promise<void>;
  /** Records the categories that exist now (call whenever `enabledCategories` is written). */
  rememberCategories(): void;
}

/** Runs one read-modify-write of the tool state, serialized with every other one (see known-categories.ts). */
function change<R>(ctx: ModuleContext, fn: (change: Change) => Promise<R>): Promise<R> {
  return knownCategories(ctx.store).update(async (draft: KnownCategories) => {
    if (!Array.isArray(draft.known)) draft.known = [];
    const state = toolState(ctx.tools.list(), readToolSettings(ctx.config), draft.known);
    return fn({
      state,
      known: draft.known,
      async save(changes) {
        // The whole section is written back, so a shallow or a deep merge by the config service both keep the rest.
        await ctx.config.update({ builtinTools: { ...rawToolSettings(ctx.config), ...changes } });
      },
      rememberCategories() {
        draft.known = union(draft.known, state.categories.map((c) => c.key)).sort();
      },
    });
  });
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
  const enabledCategories = await change(ctx, async ({ state, save, rememberCategories }) => {
    const keys = state.categories.map((c) => c.key);
    if (!keys.includes(key)) throw notFound('CATEGORY_NOT_FOUND', `No tool category "${key}"`);
    // Stored keys of categories that are absent right now (a disconnected MCP server) are kept.
    const current = union(keys.filter(state.isCategoryEnabled), state.settings.enabledCategories ?? []);
    const next = enabled ? union(current, [key]) : current.filter((k) => k !== key);
    await save({ enabledCategories: next });
    rememberCategories();
    return next;
  });
  ctx.events.publish('category-toggled', { category: key, enabled });
  return { success: true, category: key, enabled, enabledCategories };
}

export async function toggleTool(ctx: ModuleContext, name: string, enabled: boolean) {
  const disabledTools = await change(ctx, async ({ state, save }) => {
    const current = state.settings.disabledTools;
    if (!ctx.tools.get(name) && !current.includes(name)) throw notFound('TOOL_NOT_FOUND', `No tool named "${name}"`);
    const next = enabled ? current.filter((n) => n !== name) : union(current, [name]);
    await save({ disabledTools: next });
    return next;
  });
  ctx.events.publish('tool-toggled', { tool: name, enabled });
  return { success: true, tool: name, enabled, disabledTools };
}

/** Master switch on, every category on, no tool disabled individually. */
export async function enableAll(ctx: ModuleContext) {
  await change(ctx, async ({ state, known, save, rememberCategories }) => {
    await save({ enabled: true, enabledCategories: union(state.categories.map((c) => c.key), known, state.settings.enabledCategories ?? []), disabledTools: [] });
    rememberCategories();
  });
  const result = { success: true, enabledCount: toolStats(await loadToolState(ctx)).enabled };
  ctx.events.publish('tools-enabled-all', result);
  return result;
}

/** Every registered tool written into `disabledTools` (categories untouched, as in the original). */
export async function disableAll(ctx: ModuleContext) {
  const disabledCount = await change(ctx, async ({ state, save }) => {
    const names = state.tools.map((t) => t.name);
    await save({ disabledTools: union(state.settings.disabledTools, names) });
    return names.length;
  });
  const result = { success: true, disabledCount };
  ctx.events.publish('tools-disabled-all', result);
  return result;
}

/** Writes any of the `builtinTools` settings; omitted keys keep their value. */
export async function updateSettings(ctx: ModuleContext, patch: Partial<PublicToolSettings>, reason: string) {
  await change(ctx, async ({ state, known, save, rememberCategories }) => {
    const changes: Record<string, unknown> = { ...patch };
    if (patch.fetch) changes.fetch = { ...state.settings.fetch, ...patch.fetch };
    // null = every category: the full list is written, and categories added later count as enabled.
    if (patch.enabledCategories === null) changes.enabledCategories = union(state.categories.map((c) => c.key), known);
    await save(changes);
    if (patch.enabledCategories !== undefined) rememberCategories();
  });
  const after = await loadToolState(ctx);
  ctx.events.publish('tools-reloaded', { reason, ...counts(after) });
  return { success: true, config: publicSettings(after.settings) };
}

/** Flags or unflags one tool as dangerous. */
export async function toggleDangerous(ctx: ModuleContext, name: string, isDangerous: boolean) {
  const dangerousTools = await change(ctx, async ({ state, save }) => {
    const current = state.settings.dangerousTools;
    const next = isDangerous ? union(current, [name]) : current.filter((n) => n !== name);
    await save({ dangerousTools: next });
    return next;
  });
  ctx.events.publish('tools-reloaded', { reason: 'dangerous', ...counts(await loadToolState(ctx)) });
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
