/** Read-only skill routes: list, by source, details, search, per-category discovery and recommendations. */
import { notFound, requestBody, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import { categoryKey, toolName } from '../../../lib/tool-state/schemas.ts';
import { loadToolState } from '../../../lib/tool-state/view.ts';
import { recommend } from '../recommend.ts';
import { parametersOf, score, toSkill } from '../skills.ts';

const flag = { type: 'string', enum: ['true', 'false'] };

export function discoveryRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const v = ctx.validate;

  router.get('/tools', v({
    summary: 'List skills (built-in and MCP tools)',
    query: { type: 'object', properties: { includeBuiltin: flag, includeMcp: flag, presetId: { type: 'string', maxLength: 50 } } },
  }), async (c) => {
    const { includeBuiltin, includeMcp } = c.query as Record<string, string | undefined>;
    const tools = (await loadToolState(ctx)).tools
      .filter((t) => (t.source === 'mcp' ? includeMcp !== 'false' : includeBuiltin !== 'false'))
      .map(toSkill);
    c.body = { count: tools.length, tools };
  });

  router.get('/tools/by-source', v({ summary: 'Skills grouped by source: built-in, custom and per MCP server' }), async (c) => {
    const tools = (await loadToolState(ctx)).tools;
    const brief = (list: typeof tools) => ({ count: list.length, tools: list.map((t) => ({ name: t.name, description: t.description })) });
    const mcp: Record<string, ReturnType<typeof brief>> = {};
    for (const server of new Set(tools.flatMap((t) => (t.serverName ? [t.serverName] : [])))) {
      mcp[server] = brief(tools.filter((t) => t.serverName === server));
    }
    c.body = { builtin: brief(tools.filter((t) => t.source === 'builtin')), custom: brief(tools.filter((t) => t.source === 'custom')), mcp };
  });

  router.get('/tools/:name/detail', v({
    summary: 'One skill with its parameters',
    params: { type: 'object', properties: { name: toolName }, required: ['name'] },
  }), async (c) => {
    const tool = (await loadToolState(ctx)).tools.find((t) => t.name === c.params.name);
    if (!tool) throw notFound('TOOL_NOT_FOUND', `No tool named "${c.params.name}"`);
    c.body = {
      name: tool.name,
      description: tool.description,
      category: tool.category,
      source: tool.source,
      serverName: tool.serverName,
      parameters: parametersOf(tool.inputSchema),
      inputSchema: tool.inputSchema,
      isDangerous: tool.dangerous,
      enabled: tool.enabled,
      available: tool.available,
    };
  });

  router.get('/search', v({
    summary: 'Fuzzy search over skill names and descriptions',
    query: {
      type: 'object',
      properties: {
        q: { type: 'string', maxLength: 200 },
        limit: { type: 'integer', minimum: 1, maximum: 500 },
        category: categoryKey,
        source: { type: 'string', enum: ['builtin', 'custom', 'mcp'] },
      },
    },
  }), async (c) => {
    const q = (c.query as Record<string, string | undefined>);
    const query = (q.q ?? '').trim();
    const limit = q.limit === undefined ? 20 : Number(q.limit);
    const candidates = (await loadToolState(ctx)).tools.filter((t) => (!q.category || t.category === q.category) && (!q.source || t.source === q.source));
    const ranked = query
      ? candidates.map((t) => ({ t, s: score(t, query) })).filter((r) => r.s > 0).sort((a, b) => b.s - a.s || a.t.name.localeCompare(b.t.name))
      : candidates.map((t) => ({ t, s: 0 }));
    const results = ranked.slice(0, limit).map(({ t, s }) => ({ name: t.name, description: t.description, category: t.category, source: t.source, score: s }));
    c.body = { query, count: results.length, results };
  });

  router.get('/discover', v({ summary: 'Per-category summary of the skills, largest first' }), async (c) => {
    const state = await loadToolState(ctx);
    const categories = state.categories
      .map((cat) => {
        const members = state.tools.filter((t) => t.category === cat.key);
        return { category: cat.key, name: cat.name, count: members.length, serverName: members[0]?.serverName ?? null, enabled: cat.enabled, skills: members.slice(0, 5).map((t) => t.name) };
      })
      .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
    c.body = { total: state.tools.length, categories };
  });

  router.post('/recommend', v({
    summary: 'Suggest skills for a piece of conversation, by keywords',
    body: {
      type: 'object',
      properties: { context: { type: 'string', minLength: 1, maxLength: 4000 }, limit: { type: 'integer', minimum: 1, maximum: 50, default: 5 } },
      required: ['context'],
      additionalProperties: false,
    },
  }), async (c) => {
    const { context, limit } = requestBody<{ context: string; limit: number }>(c);
    const recommendations = recommend((await loadToolState(ctx)).tools, context, limit);
    c.body = { context, count: recommendations.length, recommendations };
  });
}
