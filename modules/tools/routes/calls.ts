/** Routes that run tools and report on runs: call, test, logs, stats, and one tool's details. */
import { notFound, requestBody, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import { clientGone, executeTool } from '../../../lib/tool-state/execute.ts';
import { toolArgs, toolName } from '../../../lib/tool-state/schemas.ts';
import { loadToolState, toolStats } from '../../../lib/tool-state/view.ts';
import type { CallLog } from '../call-log.ts';

const logQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    offset: { type: 'integer', minimum: 0 },
    toolName,
    success: { type: 'string', enum: ['true', 'false'] },
    userId: { type: 'string', maxLength: 200 },
    groupId: { type: 'string', maxLength: 200 },
    source: { type: 'string', maxLength: 200 },
  },
};

export function callRoutes(router: ModuleRouter, ctx: ModuleContext, log: CallLog): void {
  const v = ctx.validate;

  router.post('/call', v({
    summary: 'Call a tool with arguments',
    body: { type: 'object', properties: { name: toolName, args: toolArgs }, required: ['name'], additionalProperties: false },
  }), async (c) => {
    const { name, args } = requestBody<{ name: string; args?: Record<string, unknown> }>(c);
    c.body = await executeTool(ctx, name, args, { user: c.state.user, signal: clientGone(c) });
  });

  router.post('/test', v({
    summary: 'Run a tool with arguments (panel test button)',
    body: { type: 'object', properties: { toolName, arguments: toolArgs }, required: ['toolName'], additionalProperties: false },
  }), async (c) => {
    const body = requestBody<{ toolName: string; arguments?: Record<string, unknown> }>(c);
    c.body = await executeTool(ctx, body.toolName, body.arguments, { user: c.state.user, signal: clientGone(c) });
  });

  router.get('/logs', v({ summary: 'Tool call records, newest first, with paging and filters', query: logQuery }), async (c) => {
    const q = c.query as Record<string, string | undefined>;
    c.body = await log.query({
      limit: q.limit === undefined ? 100 : Number(q.limit),
      offset: q.offset === undefined ? 0 : Number(q.offset),
      toolName: q.toolName,
      success: q.success === undefined ? undefined : q.success === 'true',
      userId: q.userId,
      groupId: q.groupId,
      source: q.source,
    });
  });

  router.delete('/logs', v({ summary: 'Clear the tool call records' }), async (c) => {
    c.body = { success: true, cleared: await log.clear() };
  });

  router.get('/stats', v({ summary: 'Tool counts: total, enabled, disabled, per category, and calls' }), async (c) => {
    c.body = { ...toolStats(await loadToolState(ctx)), calls: await log.summary() };
  });

  // Last: a bare `/:name` must not shadow the fixed paths above.
  router.get('/:name', v({
    summary: 'One tool with its input schema and state',
    params: { type: 'object', properties: { name: toolName }, required: ['name'] },
  }), async (c) => {
    const tool = (await loadToolState(ctx)).tools.find((t) => t.name === c.params.name);
    if (!tool) throw notFound('TOOL_NOT_FOUND', `No tool named "${c.params.name}"`);
    c.body = tool;
  });
}
