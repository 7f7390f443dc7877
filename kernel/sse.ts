/**
 * Server-Sent Events for EventSource clients (docs/http.md#event-streams): every frame is `data: {"type", ...}`;
 * with `?named=1` it also carries `event: <type>`. A heartbeat comment keeps proxies from closing
 * the stream; everything is released when the client goes away. Every event stream, these and the
 * ones a module writes itself (chat), counts against its user's cap (docs/http.md#connections).
 */
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { HttpError } from './errors.ts';
import type { SseStream } from './types.ts';

const HEARTBEAT_MS = 25_000;
export const MAX_STREAMS_PER_USER = 20;

/** The headers of every event stream; `X-Accel-Buffering: no` keeps nginx from holding frames back. */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
});

/** Open streams by holder: the user's id (every token of the master is one user), else the address. */
const openStreams = new Map<string, number>();

/**
 * Counts the stream `c` answers against its user until the response closes; 429 when the user
 * already holds MAX_STREAMS_PER_USER. Call it before anything of the answer is sent.
 */
export function holdEventStream(c: Context): void {
  const user = (c.state as { user?: { sub?: unknown } }).user;
  const holder = typeof user?.sub === 'string' ? `user:${user.sub}` : `ip:${c.ip}`;
  const count = openStreams.get(holder) ?? 0;
  if (count >= MAX_STREAMS_PER_USER) {
    // A stream has no expiry to count down to: Retry-After is only a hint to back off.
    throw new HttpError(429, 'RATE_LIMITED', `Too many open event streams (${MAX_STREAMS_PER_USER} per user): close one before opening another`, {
      headers: { 'Retry-After': '30' },
    });
  }
  // A client already gone (while a handler awaited) holds nothing, and no 'close' would come to release it.
  if (c.res.closed) return;
  openStreams.set(holder, count + 1);
  c.res.once('close', () => {
    const left = openStreams.get(holder)! - 1;
    if (left > 0) openStreams.set(holder, left);
    else openStreams.delete(holder);
  });
}

export function openSse(c: Context, opts: { named?: boolean; heartbeatMs?: number } = {}): SseStream {
  holdEventStream(c);
  const named = opts.named ?? (c.query.named === '1' || c.query.named === 'true');
  const stream = new PassThrough();
  const closers: Array<() => void> = [];
  let closed = false;

  c.req.socket.setTimeout(0);
  c.req.socket.setNoDelay(true);
  c.req.socket.setKeepAlive(true);
  c.set(EVENT_STREAM_HEADERS);
  c.status = 200;
  c.body = stream;
  // Flush headers now: an EventSource waits for them before reporting "open".
  c.res.flushHeaders?.();
  stream.write(': connected\n\n');

  const heartbeat = setInterval(() => stream.write(': ping\n\n'), opts.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const fn of closers.splice(0)) {
      try {
        fn();
      } catch {
        /* a closer must not keep the others from running */
      }
    }
    stream.end();
  };
  c.req.on('close', close);
  c.res.on('close', close);

  return {
    send(type, payload = {}) {
      if (closed) return;
      const data = JSON.stringify({ ...payload, type });
      stream.write(named ? `event: ${type}\ndata: ${data}\n\n` : `data: ${data}\n\n`);
    },
    close,
    get closed() {
      return closed;
    },
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
  };
}
