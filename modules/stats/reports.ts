/**
 * The answers of /api/stats*, built from day rollups only (never from records), so each costs a
 * sum over at most the days of its window, whatever the number of records.
 */
import type { DayView } from './day-log.ts';
import { lastDays } from './days.ts';
import { sumTables, type Table } from './table.ts';
import { TOOL_DURATION, TOOL_WIDTH } from './tool-calls.ts';
import { CALLS, COMPLETION, DURATION, FAILED, INLINE, JOIN, PROMPT, SUCCESS, TOTAL, USAGE_WIDTH, type UsageRecord } from './usage.ts';

/** The days an answer covers: the last `days` (today included), oldest first. */
export interface Window {
  days: number;
  dates: string[];
  today: string;
}

/** Entries in each ranking. */
export const RANKING = 10;

/** `?days=N`, or every day kept; never more days than are kept. */
export function windowOf(days: number | undefined, retentionDays: number): Window {
  const n = Math.min(days ?? retentionDays, retentionDays);
  const dates = lastDays(n);
  return { days: n, dates, today: dates[dates.length - 1] };
}

const span = (w: Window) => ({ days: w.days, from: w.dates[0], to: w.today });

/** A share in percent with one decimal; 0 of 0 is 0. */
const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : 0);
/** A mean rounded to a whole number; 0 of nothing. */
const mean = (total: number, n: number) => (n ? Math.round(total / n) : 0);

/** Each day of the window as one table (a day with records not yet flushed is summed; others are used as they are). */
const perDay = (view: DayView<Table>, w: Window, width: number) =>
  [...view.parts(w.dates)].map(([date, p]) => ({ date, day: p.length === 1 ? p[0] : sumTables(p, width) }));

/** The `limit` rows of `dimension` with the most calls (then the most of counter `tie`), shaped by `show`. */
function ranking<S>(t: Table, dimension: string, limit: number, tie: number, show: (key: string, at: number) => S): S[] {
  const v = t.values;
  return t.rows(dimension)
    .sort(([, a], [, b]) => v[b + CALLS] - v[a + CALLS] || v[b + tie] - v[a + tie])
    .slice(0, limit)
    .map(([key, at]) => show(key, at));
}

/** Every row of `dimension` as `{key: show(row)}`. */
const keyed = <S>(t: Table, dimension: string, show: (at: number) => S, label = (k: string) => k) =>
  Object.fromEntries(t.rows(dimension).map(([key, at]) => [label(key), show(at)]));

/** The usage counters of the row at `at` of `t` (zeros when the row is absent). */
function usageAt(t: Table, at: number | undefined) {
  const v = at === undefined ? new Float64Array(USAGE_WIDTH) : t.values.subarray(at, at + USAGE_WIDTH);
  return {
    calls: v[CALLS],
    success: v[SUCCESS],
    failed: v[FAILED],
    successRate: percent(v[SUCCESS], v[CALLS]),
    promptTokens: v[PROMPT],
    completionTokens: v[COMPLETION],
    totalTokens: v[TOTAL],
    avgDurationMs: mean(v[DURATION], v[CALLS]),
  };
}

const channelLabel = (key: string) => (key === INLINE ? '(inline)' : key);
const brief = (t: Table) => (at: number) => ({ calls: t.values[at + CALLS], failed: t.values[at + FAILED], totalTokens: t.values[at + TOTAL] });
const summaries = (t: Table, dimension: string) => keyed(t, dimension, (at) => usageAt(t, at));
const errorCounts = (t: Table, dimension: string, prefix = '') =>
  Object.fromEntries(t.rows(dimension).filter(([k]) => k.startsWith(prefix)).map(([k, at]) => [k.slice(prefix.length), t.values[at + CALLS]]));

/** `GET /usage`: today, the window's totals and days, the newest calls, rankings, sources, kinds and errors. */
export function usageReport(view: DayView<Table>, w: Window, recent: UsageRecord[]) {
  const days = perDay(view, w, USAGE_WIDTH);
  const total = view.total(w.dates);
  const today = days[days.length - 1].day; // the window always ends with today
  const all = usageAt(total, total.find('all:'));
  return {
    ...span(w),
    today: usageAt(today, today.find('all:')),
    total: all,
    recent,
    daily: days.map(({ date, day }) => ({
      date,
      ...usageAt(day, day.find('all:')),
      byChannel: keyed(day, 'channel', brief(day), channelLabel),
      byModel: keyed(day, 'model', brief(day)),
    })),
    modelRanking: ranking(total, 'model', RANKING, TOTAL, (model, at) => ({ model, ...usageAt(total, at) })),
    channelRanking: ranking(total, 'channel', RANKING, TOTAL, (id, at) => ({ channelId: id === INLINE ? null : id, ...usageAt(total, at) })),
    groupRanking: ranking(total, 'group', RANKING, TOTAL, (groupId, at) => ({ groupId, ...usageAt(total, at) })),
    userRanking: ranking(total, 'user', RANKING, TOTAL, (userId, at) => ({ userId, ...usageAt(total, at) })),
    sources: summaries(total, 'source'),
    kinds: summaries(total, 'kind'),
    errors: { total: all.failed, byKind: errorCounts(total, 'error') },
  };
}

/** `GET /usage/channel/:id`: one channel's totals, models, errors and days (zeros for a channel never used). */
export function channelReport(view: DayView<Table>, w: Window, channelId: string) {
  const days = perDay(view, w, USAGE_WIDTH);
  const total = view.total(w.dates);
  const today = days[days.length - 1].day;
  const row = `channel:${channelId}`;
  const prefix = `${channelId}${JOIN}`;
  const all = usageAt(total, total.find(row));
  return {
    channelId,
    ...span(w),
    ...all,
    today: usageAt(today, today.find(row)),
    models: ranking(total, 'cm', Infinity, TOTAL, (key, at) => ({ key, ...usageAt(total, at) }))
      .filter((m) => m.key.startsWith(prefix))
      .map(({ key, ...m }) => ({ model: key.slice(prefix.length), ...m })),
    errors: { total: all.failed, byKind: errorCounts(total, 'ce', prefix) },
    daily: days.map(({ date, day }) => ({ date, ...usageAt(day, day.find(row)) })),
  };
}

/** The tool counters of the row at `at`. */
function toolsAt(t: Table, at: number | undefined) {
  const v = at === undefined ? new Float64Array(TOOL_WIDTH) : t.values.subarray(at, at + TOOL_WIDTH);
  return { calls: v[CALLS], success: v[SUCCESS], failed: v[FAILED], successRate: percent(v[SUCCESS], v[CALLS]), avgDuration: mean(v[TOOL_DURATION], v[CALLS]) };
}

/** `GET /tool-calls`: totals, per tool, per source and per day. */
export function toolReport(view: DayView<Table>, w: Window) {
  const days = perDay(view, w, TOOL_WIDTH);
  const total = view.total(w.dates);
  const all = toolsAt(total, total.find('all:'));
  return {
    ...span(w),
    totalCalls: all.calls,
    successCalls: all.success,
    failedCalls: all.failed,
    successRate: all.successRate,
    avgDuration: all.avgDuration,
    byTool: ranking(total, 'tool', Infinity, SUCCESS, (name, at) => ({ name, ...toolsAt(total, at) })),
    bySource: keyed(total, 'source', (at) => toolsAt(total, at)),
    daily: days.map(({ date, day }) => {
      const { calls, success, failed } = toolsAt(day, day.find('all:'));
      return { date, calls, success, failed };
    }),
  };
}

/** `GET /api/stats`: the original's overview from the window's usage and tool totals (upstream chat calls stand for messages). */
export function overview(u: Table, t: Table, w: Window, startedAt: number) {
  const calls = (at: number | undefined, table: Table) => (at === undefined ? 0 : table.values[at + CALLS]);
  const tokens = (at: number) => ({ input: u.values[at + PROMPT], output: u.values[at + COMPLETION], total: u.values[at + TOTAL] });
  const all = usageAt(u, u.find('all:'));
  const up = Math.floor((Date.now() - startedAt) / 1000);
  return {
    ...span(w),
    messages: {
      total: calls(u.find('kind:chat'), u),
      types: keyed(u, 'source', (at) => u.values[at + CALLS]),
      topGroups: ranking(u, 'group', RANKING, TOTAL, (id, at) => ({ id, count: u.values[at + CALLS] })),
      topUsers: ranking(u, 'user', RANKING, TOTAL, (id, at) => ({ id, count: u.values[at + CALLS] })),
      hourlyDistribution: Object.fromEntries(Array.from({ length: 24 }, (_, h) => [String(h), calls(u.find(`hour:${h}`), u)])),
    },
    models: {
      totalCalls: all.calls,
      byModel: ranking(u, 'model', RANKING, TOTAL, (name, at) => ({ name, calls: u.values[at + CALLS] })),
      byChannel: keyed(u, 'channel', (at) => u.values[at + CALLS], channelLabel),
    },
    tokens: {
      total: { input: all.promptTokens, output: all.completionTokens },
      totalSum: all.totalTokens,
      byModel: ranking(u, 'model', RANKING, TOTAL, (name, at) => ({ name, ...tokens(at) })),
      topUsers: ranking(u, 'user', RANKING, TOTAL, (id, at) => ({ id, ...tokens(at) })),
    },
    tools: {
      totalCalls: calls(t.find('all:'), t),
      byTool: ranking(t, 'tool', RANKING, SUCCESS, (name, at) => ({ name, calls: t.values[at + CALLS] })),
    },
    uptime: { days: Math.floor(up / 86400), hours: Math.floor((up % 86400) / 3600), startTime: startedAt },
    lastUpdate: Date.now(),
  };
}

/** `GET /full`: each day's rollups as rows of named counters. */
export function fullReport(usage: Map<string, Table[]>, tools: Map<string, Table[]>, w: Window, retentionDays: number) {
  const rowsOf = (t: Table, show: (t: Table, at: number) => unknown) => Object.fromEntries(t.keys.map((key, i) => [key.replace(JOIN, '/'), show(t, i * t.width)]));
  return {
    ...span(w),
    retentionDays,
    daily: w.dates.map((date) => ({
      date,
      usage: rowsOf(sumTables(usage.get(date) ?? [], USAGE_WIDTH), usageAt),
      toolCalls: rowsOf(sumTables(tools.get(date) ?? [], TOOL_WIDTH), toolsAt),
    })),
  };
}
