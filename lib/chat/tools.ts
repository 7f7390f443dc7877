/**
 * The tools a chat offers the model (the registry's available tools, filtered by the preset's rules
 * and the group's own tool settings) and running one of them. Registry names may hold `.` or `:`,
 * which the wire formats refuse, so tools travel under a safe name and are mapped back.
 */
import type { AuthUser, ModuleContext } from '../../kernel/index.ts';
import type { ToolSpec } from '../llm/index.ts';
import type { PresetTools } from '../presets/index.ts';
import { executeTool } from '../tool-state/execute.ts';
import { loadToolState, type ToolView } from '../tool-state/view.ts';

/** Who a tool runs for: its id and group reach the tool and the `tool-executed` event. */
export type ToolCaller = Pick<AuthUser, 'sub' | 'groupId'>;

/**
 * What a chat allows: the preset's rules, narrowed by the group's own settings (docs/api.md#group-admin `tools`).
 * The global `builtinTools` switches are already in each tool's `available`.
 */
export interface ToolRules extends Partial<PresetTools> {
  /** Only tools of these categories (empty or absent: all). */
  allowedCategories?: string[];
  /** Tools the group blocked, on top of the preset's `disabledTools`. */
  blockedTools?: string[];
  /** Only these tools, on top of the preset's `allowedTools` (both must allow). */
  groupAllowedTools?: string[];
}

export interface ChatTools {
  specs: ToolSpec[];
  /** The registry name behind a wire name (unknown names come back unchanged). */
  nameOf(wireName: string): string;
  /** Runs the tool the model named (by its wire name); failures become an error text for the model. */
  run(wireName: string, args: Record<string, unknown>, caller: ToolCaller | undefined, signal: AbortSignal): Promise<{ name: string; text: string; success: boolean }>;
}

const listed = (list: string[] | undefined, name: string) => !list?.length || list.includes(name);

function allowed(tool: ToolView, rules: ToolRules): boolean {
  if (!tool.available) return false;
  if (tool.source === 'builtin' && rules.enableBuiltinTools === false) return false;
  if (tool.source === 'mcp') {
    if (rules.enableMcpTools === false) return false;
    if (!listed(rules.allowedMcpServers, tool.serverName ?? '')) return false;
    if (rules.disabledMcpServers?.includes(tool.serverName ?? '')) return false;
  }
  if (!listed(rules.allowedTools, tool.name) || !listed(rules.groupAllowedTools, tool.name)) return false;
  if (!listed(rules.allowedCategories, tool.category)) return false;
  if (rules.disabledTools?.includes(tool.name) || rules.blockedTools?.includes(tool.name)) return false;
  if (tool.dangerous && !rules.allowDangerous) return false;
  return true;
}

const wireName = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);

function resultText(content: Array<{ type: string; text?: string }>): string {
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : JSON.stringify(part))).join('\n');
}

export async function chatTools(ctx: ModuleContext, rules: ToolRules): Promise<ChatTools> {
  const byWireName = new Map<string, ToolView>();
  for (const tool of (await loadToolState(ctx)).tools) {
    if (allowed(tool, rules) && !byWireName.has(wireName(tool.name))) byWireName.set(wireName(tool.name), tool);
  }
  return {
    specs: [...byWireName.entries()].map(([name, tool]) => ({ name, description: tool.description, parameters: tool.inputSchema })),
    nameOf: (name) => byWireName.get(name)?.name ?? name,
    async run(name, args, caller, signal) {
      const tool = byWireName.get(name);
      if (!tool) return { name, text: `Error: no tool named "${name}" is available`, success: false };
      try {
        const execution = await executeTool(ctx, tool.name, args, { user: caller, signal });
        return { name: tool.name, text: resultText(execution.result.content), success: execution.success };
      } catch (err) {
        return { name: tool.name, text: `Error: ${(err as Error)?.message ?? String(err)}`, success: false };
      }
    },
  };
}
