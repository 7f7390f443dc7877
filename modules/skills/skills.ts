/** The skill view of a tool (docs/api.md#skills) and the fuzzy search over skills. */
import type { ToolView } from '../../lib/tool-state/view.ts';

export interface Skill {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  category: string;
  source: 'builtin' | 'custom' | 'mcp';
  serverName: string | null;
  isBuiltin: boolean;
  isMcpTool: boolean;
  isJsTool: boolean;
  isCustom: boolean;
  dangerous: boolean;
  enabled: boolean;
  available: boolean;
}

export function toSkill(t: ToolView): Skill {
  return {
    name: t.name,
    description: t.description,
    inputSchema: t.inputSchema,
    category: t.category,
    source: t.source,
    serverName: t.serverName,
    isBuiltin: t.source === 'builtin',
    isMcpTool: t.source === 'mcp',
    isJsTool: t.category === 'js',
    isCustom: t.category === 'custom',
    dangerous: t.dangerous,
    enabled: t.enabled,
    available: t.available,
  };
}

/** The parameters of a tool's input schema as a flat list (`GET /tools/:name/detail`). */
export function parametersOf(schema: Record<string, unknown>) {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, p]) => ({
    name,
    type: p.type ?? null,
    description: p.description ?? '',
    required: required.has(name),
    default: p.default ?? null,
    enum: p.enum ?? null,
  }));
}

/**
 * Relevance of a skill to a query (docs/api.md#skills): exact name 100, name prefix 80, name contains 60,
 * description contains +40, and per query word (split on space, `_`, `-`) +20 in the name, +10 in the description.
 */
export function score(skill: { name: string; description: string }, query: string): number {
  const q = query.toLowerCase();
  const name = skill.name.toLowerCase();
  const description = skill.description.toLowerCase();
  let total = name === q ? 100 : name.startsWith(q) ? 80 : name.includes(q) ? 60 : 0;
  if (description.includes(q)) total += 40;
  for (const word of q.split(/[\s_-]+/).filter(Boolean)) {
    if (name.includes(word)) total += 20;
    if (description.includes(word)) total += 10;
  }
  return total;
}
