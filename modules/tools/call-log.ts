/**
 * The tool call log: every `tool-executed` event on the bus (from any module) becomes one record
 * in the store collection `tool-logs`, bounded to the last 1,000. Arguments and results are cut to
 * a preview so that one large result cannot make every later write slow.
 */
import { randomBytes } from 'node:crypto';
import type { KernelEvent, ModuleContext } from '../../kernel/index.ts';

export const MAX_ENTRIES = 1000;
const PREVIEW_CHARS = 2048;

export interface CallLogEntry {
  id: string;
  timestamp: number;
  toolName: string;
  request: unknown;
  response: unknown;
  success: boolean;
  error: string | null;
  duration: number;
  userId: string | null;
  groupId: string | null;
  source: string;
  caller: string;
}

export interface CallLogQuery {
  limit: number;
  offset: number;
  toolName?: string;
  success?: boolean;
  userId?: string;
  groupId?: string;
  source?: string;
}

function preview(value: unknown): unknown {
  const text = JSON.stringify(value ?? null);
  return text.length <= PREVIEW_CHARS ? value ?? null : { truncated: true, preview: text.slice(0, PREVIEW_CHARS) };
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

function toEntry(event: KernelEvent): CallLogEntry {
  const timestamp = typeof event.timestamp === 'number' ? event.timestamp : Date.now();
  return {
    id: `${timestamp}-${randomBytes(5).toString('hex')}`,
    timestamp,
    toolName: String(event.toolName),
    request: preview(event.args),
    response: preview(event.result),
    success: event.success === true,
    error: str(event.error),
    duration: typeof event.duration === 'number' ? event.duration : 0,
    userId: str(event.userId),
    groupId: str(event.groupId),
    source: str(event.source) ?? 'builtin',
    caller: str(event.caller) ?? 'unknown',
  };
}

export function createCallLog(ctx: ModuleContext) {
  const collection = ctx.store.collection<{ entries: CallLogEntry[] }>('tool-logs', { entries: [] });
  // The newest pending write: a read waits for it, so a call is in the log once its answer is sent.
  let pending: Promise<unknown> = Promise.resolve();

  ctx.events.subscribe((event) => {
    if (event.type !== 'tool-executed' || typeof event.toolName !== 'string') return;
    const entry = toEntry(event);
    pending = collection
      .update((data) => {
        data.entries = [...(Array.isArray(data.entries) ? data.entries : []), entry].slice(-MAX_ENTRIES);
      })
      .catch((err) => ctx.log.error('could not record a tool call', { error: (err as Error).message }));
  });

  const entries = async () => {
    await pending;
    const data = await collection.read();
    return Array.isArray(data.entries) ? data.entries : [];
  };

  return {
    /** Newest first, filtered, one page. */
    async query(q: CallLogQuery): Promise<{ logs: CallLogEntry[]; total: number; limit: number; offset: number }> {
      const matching = (await entries())
        .filter((e) => (q.toolName === undefined || e.toolName === q.toolName)
          && (q.success === undefined || e.success === q.success)
          && (q.userId === undefined || e.userId === q.userId)
          && (q.groupId === undefined || e.groupId === q.groupId)
          && (q.source === undefined || e.source === q.source))
        .reverse();
      return { logs: matching.slice(q.offset, q.offset + q.limit), total: matching.length, limit: q.limit, offset: q.offset };
    },
    /** Totals for `/stats`. */
    async summary() {
      const all = await entries();
      return { total: all.length, failed: all.filter((e) => !e.success).length };
    },
    async clear(): Promise<number> {
      await pending;
      return collection.update((data) => {
        const cleared = Array.isArray(data.entries) ? data.entries.length : 0;
        data.entries = [];
        return cleared;
      });
    },
  };
}

export type CallLog = ReturnType<typeof createCallLog>;
