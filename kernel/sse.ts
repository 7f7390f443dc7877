/**
 * Server-Sent Events for EventSource clients (KERNEL.md §8): every frame is `data: {"type", ...}`;
 * with `?named=1` it also carries `event: <type>`. A heartbeat comment keeps proxies from closing
 * the stream; everything is released when the client goes away.
 */
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import type { SseStream } from './types.ts';

const HEARTBEAT_MS = 25_000;

export function openSse(c: Context, opts: { named?: boolean; heartbeatMs?: number } = {}): SseStream {
  const named = opts.named ?? (c.query.named === '1' || c.query.named === 'true');
  const stream = new PassThrough();
  const closers: Array<() => void> = [];
  let closed = false;

  c.req.socket.setTimeout(0);
  c.req.socket.setNoDelay(true);
  c.req.socket.setKeepAlive(true);
  c.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
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
