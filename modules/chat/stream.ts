/**
 * The SSE answer of `POST /api/chat/stream`, read with `fetch`: every frame is a named event whose
 * JSON also carries `type` (KERNEL.md §8, §10.8). Headers go out at once; frames are written as they come.
 */
import { PassThrough } from 'node:stream';
import type { RequestContext } from '../../kernel/index.ts';

export interface ChatStream {
  send(type: string, payload: Record<string, unknown>): void;
  end(): void;
  /** Aborted when the client goes away before the stream ended. */
  readonly signal: AbortSignal;
}

export function openChatStream(c: RequestContext): ChatStream {
  const body = new PassThrough();
  const controller = new AbortController();
  let ended = false;
  c.req.socket.setTimeout(0);
  c.req.socket.setNoDelay(true);
  c.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  c.status = 200;
  c.body = body;
  c.res.flushHeaders();
  c.res.once('close', () => {
    if (!ended) controller.abort();
    ended = true;
    body.destroy();
  });
  return {
    send(type, payload) {
      if (ended) return;
      body.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`);
    },
    end() {
      if (ended) return;
      ended = true;
      body.end();
    },
    signal: controller.signal,
  };
}
