/**
 * The tool call log: every `tool-executed` event on the bus (from any module) becomes one record
 * in the store (folder `tool-logs`), bounded to the last 1,000. Arguments and results are cut to a
 * preview and records are kept in chunks, so a write's cost depends on neither. Credentials in a
 * record are masked (lib/tool-state/redact.ts) and the files are mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { KernelEvent, ModuleContext } from '../../kernel/index.ts';
import type { ToolCallRecord } from '../../lib/tool-state/call-record.ts';
import { redact, redactText } from '../../lib/tool-state/redact.ts';

export const MAX_ENTRIES = 1000;
const PREVIEW_CHARS = 2048;


export interface CallLogQuery {
  limit: number;
  offset: number;
  toolName?: string;
  success?: boolean;
  userId?: string;
  groupId?: string;
  source?: string;
}

/** The whole value when its JSON is short, else the start of that JSON; credentials masked either way. */
function preview(value: unknown): unknown {
  const text = JSON.stringify(value ?? null);
  return text.length <= PREVIEW_CHARS ? redact(value ?? null) : { truncated: true, preview: redactText(text.slice(0, PREVIEW_CHARS)) };
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

function toEntry(event: KernelEvent): ToolCallRecord {
  const timestamp = typeof event.timestamp === 'number' ? event.timestamp : Date.now();
  return {
    id: `${timestamp}-${randomBytes(5).toString('hex')}`,
    timestamp,
    toolName: String(event.toolName),
    request: preview(event.args),
    response: preview(event.result),
    success: event.success === true,
    error: typeof event.error === 'string' ? redactText(event.error) : null,
    duration: typeof event.duration === 'number' ? event.duration : 0,
    userId: str(event.userId),
    groupId: str(event.groupId),
    source: str(event.source) ?? 'builtin',
    caller: str(event.caller) ?? 'unknown',
  };
}

type Chunk = { entries: ToolCallRecord[] };

const DIR = 'tool-logs';
const CHUNK_SIZE = 100;
/** Full chunks kept besides the one being filled: always at least MAX_ENTRIES records on disk. */
const KEEP_CHUNKS = MAX_ENTRIES / CHUNK_SIZE + 1;
const CHUNK_NAME = /^\d{10}$/;

export function createCallLog(ctx: ModuleContext) {
  // Records are appended to chunks of 100 (`tool-logs/<number>`), so one write never rewrites the whole log.
  const chunkName = (n: number) => `${DIR}/${String(n).padStart(10, '0')}`;
  const chunk = (n: number) => ctx.store.collection<Chunk>(chunkName(n), { entries: [] }, { secret: true });
  const listChunks = async () => (await ctx.store.list(DIR)).filter((n) => CHUNK_NAME.test(n)).map(Number).sort((a, b) => a - b);
  // A chunk that others can read was written by an older version, unredacted: it is rewritten once.
  const tighten = async (n: number) => {
    const file = chunk(n);
    if (((await stat(file.file)).mode & 0o077) === 0) return;
    await file.update((data) => {
      data.entries = (Array.isArray(data.entries) ? data.entries : []).map((e) => ({
        ...e, request: redact(e.request), response: redact(e.response), error: typeof e.error === 'string' ? redactText(e.error) : e.error,
      }));
    });
  };
  const numbers = listChunks().then(async (list) => {
    for (const n of list) await tighten(n).catch((err) => ctx.log.warn(`could not tighten ${chunkName(n)}`, { error: (err as Error).message }));
    return list;
  });
  // The newest pending write: a read waits for it, so a call is in the log once its answer is sent.
  let pending: Promise<unknown> = numbers;

  const append = async (entry: ToolCallRecord) => {
    const chunks = await numbers;
    let current = chunks.at(-1) ?? 0;
    if (chunks.length === 0) chunks.push(current);
    if ((await chunk(current).read()).entries.length >= CHUNK_SIZE) chunks.push(++current);
    await chunk(current).update((data) => {
      data.entries = [...(Array.isArray(data.entries) ? data.entries : []), entry];
    });
    while (chunks.length > KEEP_CHUNKS) await ctx.store.remove(chunkName(chunks.shift()!));
  };

  ctx.events.subscribe((event) => {
    if (event.type !== 'tool-executed' || typeof event.toolName !== 'string') return;
    const entry = toEntry(event);
    pending = pending
      .then(() => append(entry))
      .catch((err) => ctx.log.error('could not record a tool call', { error: (err as Error).message }));
  });

  /** The last MAX_ENTRIES records, oldest first (without waiting for pending writes). */
  const readAll = async () => {
    const all: ToolCallRecord[] = [];
    for (const n of await numbers) {
      const data = await chunk(n).read();
      if (Array.isArray(data.entries)) all.push(...data.entries);
    }
    return all.slice(-MAX_ENTRIES);
  };
  const entries = async () => {
    await pending;
    return readAll();
  };

  return {
    /** Newest first, filtered, one page. */
    async query(q: CallLogQuery): Promise<{ logs: ToolCallRecord[]; total: number; limit: number; offset: number }> {
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
      const run = async () => {
        const cleared = (await readAll()).length;
        const chunks = await numbers;
        for (const n of chunks.splice(0)) await ctx.store.remove(chunkName(n));
        return cleared;
      };
      const result = pending.then(run);
      pending = result.catch(() => undefined);
      return result;
    },
  };
}

export type CallLog = ReturnType<typeof createCallLog>;
