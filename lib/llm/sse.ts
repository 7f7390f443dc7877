/**
 * Server-Sent Events parsing for streamed upstream answers: frames end at a blank line, a chunk may
 * stop anywhere (even mid-line or between `\r` and `\n`), several `data:` lines join with `\n`.
 */

export interface SseFrame {
  event?: string;
  data: string;
}

/** Turns text chunks into complete SSE frames; comment lines (`: ping`) and empty frames are skipped. */
export async function* parseSse(chunks: AsyncIterable<string>): AsyncGenerator<SseFrame> {
  let buffer = '';
  let event: string | undefined;
  let data: string[] = [];

  const line = (raw: string): SseFrame | undefined => {
    if (raw === '') {
      const frame = data.length ? { event, data: data.join('\n') } : undefined;
      event = undefined;
      data = [];
      return frame;
    }
    if (raw.startsWith(':')) return undefined;
    const colon = raw.indexOf(':');
    const field = colon === -1 ? raw : raw.slice(0, colon);
    let value = colon === -1 ? '' : raw.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    return undefined;
  };

  for await (const chunk of chunks) {
    buffer += chunk;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      // A lone `\r` at the very end may be the first half of `\r\n`: wait for the next chunk.
      if (ch === '\r' && i === buffer.length - 1) break;
      const frame = line(buffer.slice(start, i));
      if (ch === '\r' && buffer[i + 1] === '\n') i++;
      start = i + 1;
      if (frame) yield frame;
    }
    buffer = buffer.slice(start);
  }
  if (buffer) {
    const frame = line(buffer);
    if (frame) yield frame;
  }
  const last = line('');
  if (last) yield last;
}

/** The JSON payloads of an SSE stream, stopping at OpenAI's `[DONE]`. */
export async function* sseJson<T>(chunks: AsyncIterable<string>): AsyncGenerator<{ event?: string; data: T }> {
  for await (const frame of parseSse(chunks)) {
    if (frame.data === '[DONE]') return;
    let data: T;
    try {
      data = JSON.parse(frame.data) as T;
    } catch {
      continue; // keep-alive noise some proxies inject
    }
    yield { event: frame.event, data };
  }
}
