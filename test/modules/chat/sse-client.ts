/** Reads the named-event SSE answer of `POST /api/chat/stream` with fetch, noting when each frame arrived. */
import type { TestServer } from '../../support/server.ts';

export interface Frame {
  event: string;
  data: any;
  /** Milliseconds since the request was sent. */
  at: number;
}

export interface StreamReply {
  status: number;
  contentType: string | null;
  frames: Frame[];
  /** The body when the answer was not a stream (an error envelope). */
  json?: any;
}

/** Posts `body` and collects frames until the stream ends, or until `stopAfter` says so (then aborts). */
export async function chatStream(s: TestServer, body: unknown, stopAfter?: (frame: Frame) => boolean): Promise<StreamReply> {
  const controller = new AbortController();
  const started = performance.now();
  const res = await fetch(`${s.url}/api/chat/stream`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const contentType = res.headers.get('content-type');
  if (!contentType?.startsWith('text/event-stream')) return { status: res.status, contentType, frames: [], json: await res.json() };
  const frames: Frame[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = res.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) !== -1) {
        const raw = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(raw)?.[1];
        const data = /^data: (.*)$/m.exec(raw)?.[1];
        if (!event || data === undefined) continue; // comments
        const frame = { event, data: JSON.parse(data), at: performance.now() - started };
        frames.push(frame);
        if (stopAfter?.(frame)) {
          controller.abort();
          return { status: res.status, contentType, frames };
        }
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  return { status: res.status, contentType, frames };
}
