/** The /api/stats* routes (docs/api.md#system, docs/statistics.md#routes). `?days=N`: the last N days, today included. */
import { badRequest, notFound, type ModuleContext, type ModuleRouter } from '../../kernel/index.ts';
import { dayOf } from './days.ts';
import type { Recorder } from './recorder.ts';
import { channelReport, fullReport, overview, toolReport, usageReport, type Window } from './reports.ts';
import * as schemas from './schemas.ts';
import type { ToolCallRecord } from './tool-calls.ts';
import type { UsageRecord } from './usage.ts';

/** The newest upstream calls in the usage answer. */
const RECENT = 50;

type Query = Record<string, string | undefined>;

const int = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const flag = (value: string | undefined) => (value === undefined ? undefined : value === 'true');

/** `startTime`/`endTime`: milliseconds, or an ISO date (-time). */
function timeOf(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest(`${value} is not a valid time`, `query.${name}`);
  return ms;
}

function usageFilter(q: Query): (r: UsageRecord) => boolean {
  const success = q.status !== undefined ? q.status === 'success' : flag(q.success);
  return (r) => (q.channelId === undefined || r.channelId === q.channelId)
    && (q.model === undefined || r.model === q.model)
    && (success === undefined || r.success === success)
    && (q.source === undefined || r.source === q.source)
    && (q.kind === undefined || r.kind === q.kind)
    && (q.groupId === undefined || r.groupId === q.groupId)
    && (q.userId === undefined || r.userId === q.userId);
}

function toolFilter(q: Query, start: number | undefined, end: number | undefined): (r: ToolCallRecord) => boolean {
  const success = flag(q.success);
  const keyword = q.keyword?.toLowerCase();
  const mentions = (r: ToolCallRecord) => [r.toolName, r.error ?? '', JSON.stringify(r.request), JSON.stringify(r.response)].some((s) => s.toLowerCase().includes(keyword!));
  return (r) => (q.toolName === undefined || r.toolName === q.toolName)
    && (success === undefined || r.success === success)
    && (q.userId === undefined || r.userId === q.userId)
    && (q.groupId === undefined || r.groupId === q.groupId)
    && (q.source === undefined || r.source === q.source)
    && (start === undefined || r.timestamp >= start)
    && (end === undefined || r.timestamp <= end)
    && (keyword === undefined || mentions(r));
}

export function statsRoutes(router: ModuleRouter, ctx: ModuleContext, recorder: Recorder): void {
  const v = ctx.validate;
  const { usage, tools } = recorder;
  const windowOf = (q: Query): Window => recorder.window(int(q.days));
  const first = (w: Window) => w.dates[0];
  const recent = (w: Window, limit: number, match: (r: UsageRecord) => boolean = () => true) => usage.scan(match, limit, first(w), w.today);
  const overviewOf = async (w: Window) => {
    const toolTotal = await tools.read((view) => view.total(w.dates));
    return usage.read((view) => overview(view.total(w.dates), toolTotal, w, ctx.runtime.startedAt));
  };
  const toolsOf = (w: Window) => tools.read((view) => toolReport(view, w));

  router.get('/', v({ summary: 'Statistics overview: calls, models, tokens, tools, uptime (?days=)', query: schemas.daysQuery }), async (c) => {
    c.body = await overviewOf(windowOf(c.query as Query));
  });

  router.get('/full', v({ summary: 'The raw statistics: each day\'s rollup of upstream and tool calls (?days=)', query: schemas.daysQuery }), async (c) => {
    const w = windowOf(c.query as Query);
    const toolParts = await tools.read((view) => view.parts(w.dates));
    c.body = await usage.read((view) => fullReport(view.parts(w.dates), toolParts, w, recorder.retentionDays()));
  });

  router.get('/usage', v({ summary: 'Upstream usage: today, totals, days, recent calls, rankings by model, channel, group and user, errors (?days=)', query: schemas.daysQuery }), async (c) => {
    const w = windowOf(c.query as Query);
    const latest = await recent(w, RECENT);
    c.body = await usage.read((view) => usageReport(view, w, latest));
  });

  router.get('/usage/recent', v({ summary: 'Recent upstream calls, newest first, filtered', query: schemas.recentQuery }), async (c) => {
    const q = c.query as Query;
    c.body = await recent(windowOf(q), int(q.limit) ?? 100, usageFilter(q));
  });

  router.get('/usage/channel/:id', v({ summary: 'Usage of one channel: totals, models, errors, days (?days=)', params: schemas.channelParams, query: schemas.daysQuery }), async (c) => {
    const w = windowOf(c.query as Query);
    c.body = await usage.read((view) => channelReport(view, w, c.params.id));
  });

  router.post('/usage/clear', v({ summary: 'Delete every upstream call record', body: schemas.noFields }), async (c) => {
    c.body = { cleared: await usage.clear() };
  });

  router.get('/tool-calls', v({ summary: 'Tool-call summary: totals, per tool, per source, per day (?days=)', query: schemas.daysQuery }), async (c) => {
    c.body = await toolsOf(windowOf(c.query as Query));
  });

  router.get('/tool-calls/records', v({ summary: 'Tool-call records, newest first, filtered', query: schemas.toolRecordsQuery }), async (c) => {
    const q = c.query as Query;
    const start = timeOf(q.startTime, 'startTime');
    const end = timeOf(q.endTime, 'endTime');
    const w = windowOf(q);
    const from = start === undefined || dayOf(start) < first(w) ? first(w) : dayOf(start);
    const to = end === undefined || dayOf(end) > w.today ? w.today : dayOf(end);
    c.body = await tools.scan(toolFilter(q, start, end), int(q.limit) ?? 100, from, to);
  });

  router.get('/tool-calls/record/:id', v({ summary: 'One tool-call record (404 when unknown)', params: schemas.recordParams }), async (c) => {
    const id = c.params.id;
    const at = Number(id.split('-')[0]);
    const day = Number.isFinite(at) && at > 0 ? dayOf(at) : undefined;
    const [record] = day ? await tools.scan((r) => r.id === id, 1, day, day) : [];
    if (!record) throw notFound('RECORD_NOT_FOUND', `No tool-call record "${id}"`);
    c.body = record;
  });

  router.get('/tool-calls/errors', v({ summary: 'Failed tool calls, newest first (?limit=50)', query: schemas.errorsQuery }), async (c) => {
    const q = c.query as Query;
    const w = windowOf(q);
    c.body = await tools.scan((r) => !r.success, int(q.limit) ?? 50, first(w), w.today);
  });

  router.post('/tool-calls/clear', v({ summary: 'Delete every tool-call record', body: schemas.noFields }), async (c) => {
    c.body = { cleared: await tools.clear() };
  });

  router.get('/unified', v({ summary: 'Overview, tool-call summary and today\'s usage in one answer (?days=)', query: schemas.daysQuery }), async (c) => {
    const w = windowOf(c.query as Query);
    const today = recorder.window(1);
    c.body = {
      overview: await overviewOf(w),
      toolCalls: await toolsOf(w),
      today: await usage.read((view) => usageReport(view, today, []).today),
    };
  });

  router.post('/reset', v({ summary: 'Delete every statistics record: upstream calls and tool calls', body: schemas.noFields }), async (c) => {
    c.body = { cleared: { usage: await usage.clear(), toolCalls: await tools.clear() } };
  });
}
