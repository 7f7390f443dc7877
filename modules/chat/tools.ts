/**
 * The tools a chat offers the model (the registry's available tools, filtered by the preset's rules)
 * and running one of them. Registry names may hold `.` or `:`, which the wire formats refuse, so
 * tools travel under a safe name and are mapped back.
 */
import type { AuthUser, ModuleContext } from '../../kernel/index.ts';
import type { ToolSpec } from '../../lib/llm/index.ts';
import { executeTool } from '../../lib/tool-state/execute.ts';
import { loadToolState, type ToolView } from '../../lib/tool-state/view.ts';
import type { ToolRules } from './preset.ts';

export interface ChatTools {
  specs: ToolSpec[];
  /** The registry name behind a wire name (unknown names come back unchanged). */
  nameOf(wireName: string): string;
  /** Runs the tool the model named (by its wire name); failures become an error text for the model. */
  run(wireName: string, args: Record<string, unknown>, user: AuthUser | undefined, signal: AbortSignal): Promise<{ name: string; text: string; success: boolean }>;
}

function allowed(tool: ToolView, rules: ToolRules): boolean {
  if (!tool.available) return false;
  if (tool.source === 'builtin' && rules.enableBuiltinTools === false) return false;
  if (tool.source === 'mcp') {
    if (rules.enableMcpTools === false) return false;
    if (rules.allowedMcpServers?.length && !rules.allowedMcpServers.includes(tool.serverName ?? '')) return false;
    if (rules.disabledMcpServers?.includes(tool.serverName ?? '')) return false;
  }
  if (rules.allowedTools?.length && !rules.allowedTools.includes(tool.name)) return false;
  if (rules.disabledTools?.includes(tool.name)) return false;
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
    async run(name, args, user, signal) {
      const tool = byWireName.get(name);
      if (!tool) return { name, text: `Error: no tool named "${name}" is available`, success: false };
      try {
        const execution = await executeTool(ctx, tool.name, args, { user, signal });
        return { name: tool.name, text: resultText(execution.result.content), success: execution.success };
      } catch (err) {
        return { name: tool.name, text: `Error: ${(err as Error)?.message ?? String(err)}`, success: false };
      }
    },
  };
}
