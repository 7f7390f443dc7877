/**
 * Upstream calls: one record per `upstream-call` event (lib/llm/call.ts publishes one for every
 * call: API chat, bot turns, memory summaries, channel tests and model listings), and the day's
 * rollup they fold into: calls, successes, failures, tokens and time, in total and per channel
 * (and its models and error kinds), model, group, user, source, kind, hour and error kind.
 */
import { randomBytes } from 'node:crypto';
import type { KernelEvent } from '../../kernel/index.ts';
import type { UpstreamCallEvent } from '../../lib/llm/index.ts';
import type { Rollup } from './day-log.ts';
import { sumTables, Table } from './table.ts';
import { count, isObject, isText, text } from './fields.ts';

/** One upstream call: the `upstream-call` event with an id and its time. */
export interface UsageRecord extends Omit<UpstreamCallEvent, 'kind' | 'source'> {
  id: string;
  timestamp: number;
  /** A CallKind and a CallSource, read as any text: a file may hold what another version wrote. */
  kind: string;
  source: string;
}

/** The counters of a usage row, by position. */
export const CALLS = 0;
export const SUCCESS = 1;
export const FAILED = 2;
export const PROMPT = 3;
export const COMPLETION = 4;
export const TOTAL = 5;
export const DURATION = 6;
export const USAGE_WIDTH = 7;

/** The channel key of a channel that is not stored. */
export const INLINE = '';
/** Joins a channel and a model (or error kind) in one key; no channel id holds it. */
export const JOIN = '\u0000';

function isUsageRecord(v: unknown): v is UsageRecord {
  return isObject(v) && typeof v.id === 'string' && typeof v.timestamp === 'number' && typeof v.kind === 'string' && typeof v.source === 'string'
    && isText(v.channelId) && isText(v.model) && isText(v.errorKind) && isText(v.error) && isText(v.groupId) && isText(v.userId) && typeof v.success === 'boolean'
    && [v.promptTokens, v.completionTokens, v.totalTokens, v.durationMs].every((n) => typeof n === 'number' && Number.isFinite(n));
}

/**
 * A day's usage: rows `all:`, `channel:<id>`, `model:<name>`, `cm:<channel>\0<model>`, `group:<id>`,
 * `user:<id>`, `source:<source>`, `kind:<kind>`, `hour:<0–23>`, and for failures `error:<kind>` and
 * `ce:<channel>\0<kind>`, each with the counters above.
 */
export const usageRollup: Rollup<UsageRecord, Table> = {
  empty: () => new Table(USAGE_WIDTH),
  add(t, r) {
    const amounts = [1, r.success ? 1 : 0, r.success ? 0 : 1, r.promptTokens, r.completionTokens, r.totalTokens, r.durationMs];
    const channel = r.channelId ?? INLINE;
    t.add('all:', amounts);
    t.add(`channel:${channel}`, amounts);
    if (r.model !== null) {
      t.add(`model:${r.model}`, amounts);
      t.add(`cm:${channel}${JOIN}${r.model}`, amounts);
    }
    if (r.groupId !== null) t.add(`group:${r.groupId}`, amounts);
    if (r.userId !== null) t.add(`user:${r.userId}`, amounts);
    t.add(`source:${r.source}`, amounts);
    t.add(`kind:${r.kind}`, amounts);
    t.add(`hour:${new Date(r.timestamp).getHours()}`, amounts);
    if (!r.success) {
      const kind = r.errorKind ?? 'unknown';
      t.add(`error:${kind}`, amounts);
      t.add(`ce:${channel}${JOIN}${kind}`, amounts);
    }
  },
  isRecord: isUsageRecord,
  sum: (days) => sumTables(days, USAGE_WIDTH),
  save: (t) => t.toJSON(),
  restore: (value) => Table.from(value, USAGE_WIDTH),
};

/** A unique id that starts with the record's time (so a lookup knows which day file to read). */
export const recordId = (timestamp: number) => `${timestamp}-${randomBytes(5).toString('hex')}`;

/** The record of an `upstream-call` event; any module may publish one, so every field is checked. */
export function toUsageRecord(event: KernelEvent): UsageRecord {
  const timestamp = typeof event.timestamp === 'number' ? event.timestamp : Date.now();
  const prompt = count(event.promptTokens);
  const completion = count(event.completionTokens);
  return {
    id: recordId(timestamp),
    timestamp,
    kind: text(event.kind, 20) ?? 'chat',
    source: text(event.source, 20) ?? 'api',
    channelId: text(event.channelId),
    model: text(event.model),
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: count(event.totalTokens) || prompt + completion,
    durationMs: count(event.durationMs),
    success: event.success === true,
    errorKind: event.success === true ? null : (text(event.errorKind, 50) ?? 'unknown'),
    error: event.success === true ? null : text(event.error, 300),
    groupId: text(event.groupId),
    userId: text(event.userId),
  };
}
