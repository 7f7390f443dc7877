/**
 * Tool calls: one record per `tool-executed` event (lib/tool-state/execute.ts publishes one for every
 * call that reached the registry, from the tools and skills routes and from chat turns), shaped as
 * the tool call log's records (docs/api.md#tools) with credentials masked and arguments and results cut to
 * a preview, and the day's rollup: totals, per tool and per source.
 */
import type { KernelEvent } from '../../kernel/index.ts';
import type { ToolCallRecord as CallRecord } from '../../lib/tool-state/call-record.ts';
import { redact, redactText } from '../../lib/tool-state/redact.ts';
import type { Rollup } from './day-log.ts';
import { sumTables, Table } from './table.ts';
import { count, isObject, isText, text } from './fields.ts';
import { recordId } from './usage.ts';

/** The call log's record, plus the original's `errorStack` (always null: stacks stay in the server log). */
export type ToolCallRecord = CallRecord & { errorStack: null };

/** The counters of a tool row, by position (calls, successes and failures as in usage.ts). */
export const TOOL_DURATION = 3;
export const TOOL_WIDTH = 4;

const PREVIEW_CHARS = 1000;

function isToolCallRecord(v: unknown): v is ToolCallRecord {
  return isObject(v) && typeof v.id === 'string' && typeof v.timestamp === 'number' && typeof v.toolName === 'string' && typeof v.success === 'boolean'
    && typeof v.duration === 'number' && Number.isFinite(v.duration) && typeof v.source === 'string' && isText(v.error) && isText(v.userId) && isText(v.groupId);
}

/** A day's tool calls: rows `all:`, `tool:<name>` and `source:<source>` with calls, successes, failures and time. */
export const toolRollup: Rollup<ToolCallRecord, Table> = {
  empty: () => new Table(TOOL_WIDTH),
  add(t, r) {
    const amounts = [1, r.success ? 1 : 0, r.success ? 0 : 1, r.duration];
    t.add('all:', amounts);
    t.add(`tool:${r.toolName}`, amounts);
    t.add(`source:${r.source}`, amounts);
  },
  isRecord: isToolCallRecord,
  sum: (days) => sumTables(days, TOOL_WIDTH),
  save: (t) => t.toJSON(),
  restore: (value) => Table.from(value, TOOL_WIDTH),
};

/** Masked, and cut to a preview when long. */
function preview(value: unknown): unknown {
  const masked = redact(value ?? null);
  const json = JSON.stringify(masked) ?? 'null';
  return json.length <= PREVIEW_CHARS ? masked : `${json.slice(0, PREVIEW_CHARS)}…`;
}

/** The record of a `tool-executed` event; any module may publish one, so every field is checked. */
export function toToolCallRecord(event: KernelEvent): ToolCallRecord {
  const timestamp = typeof event.timestamp === 'number' ? event.timestamp : Date.now();
  const error = text(event.error, 500);
  return {
    id: recordId(timestamp),
    timestamp,
    toolName: text(event.toolName) ?? 'unknown',
    request: preview(event.args),
    response: preview(event.result),
    success: event.success === true,
    error: error === null ? null : redactText(error),
    errorStack: null,
    duration: count(event.duration),
    userId: text(event.userId),
    groupId: text(event.groupId),
    source: text(event.source, 20) ?? 'builtin',
    caller: text(event.caller, 64) ?? 'unknown',
  };
}
