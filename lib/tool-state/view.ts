/**
 * What the registry's tools look like once the `builtinTools` switches are applied: per tool
 * (enabled, available and why not), per category, and as counts. Pure functions of a snapshot.
 */
import type { ModuleContext, RegisteredTool } from '../../kernel/index.ts';
import { categoryInfo } from './catalogue.ts';
import { readKnownCategories } from './known-categories.ts';
import { readToolSettings, type ToolSettings } from './settings.ts';

export interface ToolView {
  name: string;
  description: string;
  category: string;
  inputSchema: Record<string, unknown>;
  /** The module that registered the tool. */
  owner: string;
  /** `custom`: defined through the API (categories `custom` and `js`). */
  source: 'builtin' | 'custom' | 'mcp';
  /** The MCP server for MCP tools, else null. */
  serverName: string | null;
  dangerous: boolean;
  /** Passes the master switch, its category and `disabledTools`. */
  enabled: boolean;
  /** Enabled, allowed by `allowedTools`, and not a dangerous tool without the opt-in: what may be called. */
  available: boolean;
  /** Why the tool is not available (absent when it is). */
  reason?: string;
}

export interface CategoryView {
  key: string;
  name: string;
  description: string;
  icon: string;
  toolCount: number;
  tools: Array<{ name: string; description: string }>;
  enabled: boolean;
}

export interface ToolState {
  settings: ToolSettings;
  tools: ToolView[];
  categories: CategoryView[];
  isCategoryEnabled(key: string): boolean;
}

/** Reads the registry, the configuration and the known categories into one snapshot. */
export async function loadToolState(ctx: ModuleContext): Promise<ToolState> {
  return toolState(ctx.tools.list(), readToolSettings(ctx.config), await readKnownCategories(ctx.store));
}

/** What the exposed MCP server offers (docs/api.md#mcp-server): the available tools, except those of MCP servers. */
export async function exposedTools(ctx: ModuleContext): Promise<ToolView[]> {
  return (await loadToolState(ctx)).tools.filter((t) => t.available && t.source !== 'mcp');
}

export function toolState(registered: RegisteredTool[], settings: ToolSettings, known: string[]): ToolState {
  const knownSet = new Set(known);
  // A category that did not exist when `enabledCategories` was last written is enabled (docs/api.md#tools:
  // categories added later are appended to the stored list).
  const isCategoryEnabled = (key: string) =>
    !settings.enabledCategories || settings.enabledCategories.includes(key) || (knownSet.size > 0 && !knownSet.has(key));

  const tools = registered
    .map((t) => viewOf(t, settings, isCategoryEnabled))
    .sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name));

  const byCategory = new Map<string, ToolView[]>();
  for (const t of tools) byCategory.set(t.category, [...(byCategory.get(t.category) ?? []), t]);
  const categories = [...byCategory].map(([key, members]) => ({
    key,
    ...categoryInfo(key),
    toolCount: members.length,
    tools: members.map((m) => ({ name: m.name, description: m.description })),
    enabled: isCategoryEnabled(key),
  }));
  return { settings, tools, categories, isCategoryEnabled };
}

/** Categories of tools defined through the API; like the original, the master switch and allowedTools leave them alone. */
const USER_CATEGORIES = ['custom', 'js'];

function viewOf(tool: RegisteredTool, settings: ToolSettings, isCategoryEnabled: (key: string) => boolean): ToolView {
  const mcp = tool.category.startsWith('mcp:');
  const user = USER_CATEGORIES.includes(tool.category);
  const dangerous = tool.dangerous === true || settings.dangerousTools.includes(tool.name);
  let reason: string | undefined;
  if (settings.disabledTools.includes(tool.name)) reason = 'the tool is disabled';
  else if (!isCategoryEnabled(tool.category)) reason = `the category "${tool.category}" is disabled`;
  else if (!mcp && !user && !settings.enabled) reason = 'built-in tools are switched off';
  const enabled = reason === undefined;
  if (enabled && !user && settings.allowedTools.length > 0 && !settings.allowedTools.includes(tool.name)) reason = 'the tool is not in allowedTools';
  else if (enabled && dangerous && !settings.allowDangerous) reason = 'the tool is dangerous and allowDangerous is off';
  return {
    name: tool.name,
    description: tool.description,
    category: tool.category,
    inputSchema: tool.inputSchema,
    owner: tool.owner,
    source: mcp ? 'mcp' : user ? 'custom' : 'builtin',
    serverName: mcp ? tool.category.slice(4) : null,
    dangerous,
    enabled,
    available: reason === undefined,
    ...(reason ? { reason } : {}),
  };
}

/** Counts for `/stats`: overall and per category. */
export function toolStats(state: ToolState) {
  const count = (list: ToolView[]) => ({
    total: list.length,
    enabled: list.filter((t) => t.enabled).length,
    disabled: list.filter((t) => !t.enabled).length,
    available: list.filter((t) => t.available).length,
  });
  const categories: Record<string, ReturnType<typeof count> & { name: string; isCategoryEnabled: boolean }> = {};
  for (const c of state.categories) {
    categories[c.key] = { name: c.name, ...count(state.tools.filter((t) => t.category === c.key)), isCategoryEnabled: c.enabled };
  }
  return { ...count(state.tools), categories };
}
