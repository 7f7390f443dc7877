/**
 * The SSE answer of `POST /api/chat/stream`, read with `fetch`: every frame is a named event whose
 * JSON also carries `type` (docs/http.md#event-streams). Headers go out at once, with the `start` frame in the
 * same write; frames are written as they come.
 */
import { EVENT_STREAM_HEADERS, holdEventStream, type RequestContext } from '../../kernel/index.ts';

export interface ChatStream {
  send(type: string, payload: Record<string, unknown>): void;
  end(): void;
}

const frame = (type: string, payload: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;

/**
 * Opens the stream; the headers and the `start` frame leave on the next turn of the event loop (or with
 * an earlier frame). By then the upstream request made in this turn is on its way: the upstream,
 * the slowest part of the answer, should not wait behind a write to the client.
 */
export function openChatStream(c: RequestContext, start: Record<string, unknown>): ChatStream {
  holdEventStream(c);
  const res = c.res;
  let started = false;
  let ended = false;
  c.req.socket.setTimeout(0);
  c.req.socket.setNoDelay(true);
  // Frames are written to the socket as they are sent, not through a piped body (which flows only once
  // the handler has returned). Each write is corked and uncorked so that it leaves at once: left to
  // itself, Node sends a chunked write on the next tick, after everything else this turn does (parsing
  // the rest of a burst of upstream frames, recording the call's usage).
  c.respond = false;
  const write = (text: string) => {
    res.cork();
    res.write(text);
    res.uncork();
  };
  const begin = () => {
    if (started || ended) return;
    started = true;
    res.writeHead(200, EVENT_STREAM_HEADERS);
    write(frame('start', start));
  };
  setImmediate(begin);
  res.once('close', () => {
    ended = true;
  });
  return {
    send(type, payload) {
      begin();
      if (!ended) write(frame(type, payload));
    },
    end() {
      begin();
      if (ended) return;
      ended = true;
      res.end();
    },
  };
}
