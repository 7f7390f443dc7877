/** A minimal EventSource-like reader for the tests: collects the frames of one SSE response. */
import type { TestServer } from '../../support/server.ts';

export interface Frame {
  event?: string;
  data: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any event payload
}

export interface SseClient {
  status: number;
  contentType: string | null;
  frames: Frame[];
  /** Resolves with the first frame after the cursor whose data.type is `type` (and matches `where`), and moves the cursor past it. */
  next(type: string, where?: (data: Frame['data']) => boolean, ms?: number): Promise<Frame>;
  /** Moves the cursor to the end: only frames that arrive later are considered. */
  skip(): void;
  close(): void;
}

export async function openSse(s: TestServer, query = '', headers: Record<string, string> = { authorization: `Bearer ${s.token}` }): Promise<SseClient> {
  const controller = new AbortController();
  const res = await fetch(`${s.url}/api/skills/sse${query}`, { headers, signal: controller.signal });
  const frames: Frame[] = [];
  let from = 0;
  let wake: () => void = () => {};
  if (res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const lines = block.split('\n');
            const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            if (!data) continue; // a comment (heartbeat)
            const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
            frames.push({ ...(event ? { event } : {}), data: JSON.parse(data) });
            wake();
          }
        }
      } catch {
        /* aborted by close() */
      }
    })();
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    frames,
    skip() {
      from = frames.length;
    },
    async next(type, where = () => true, ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const index = frames.findIndex((f, i) => i >= from && f.data.type === type && where(f.data));
        if (index >= 0) {
          from = index + 1;
          return frames[index];
        }
        if (Date.now() > deadline) throw new Error(`no "${type}" frame within ${ms} ms; got: ${JSON.stringify(frames.slice(from).map((f) => f.data))}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => controller.abort(),
  };
}
