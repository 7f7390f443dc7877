/**
 * The SSE transport of the exposed MCP server: `GET /mcp/sse` opens a stream whose first event,
 * `endpoint`, names the URL to post messages to; replies to those messages come back on the stream
 * as `message` events. Streams are written directly, one event per write.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { EVENT_STREAM_HEADERS } from '../../kernel/index.ts';

const HEARTBEAT_MS = 25_000;

export interface Session {
  send(event: string, data: string): void;
}

export class Sessions {
  private readonly open = new Map<string, { res: ServerResponse; heartbeat: NodeJS.Timeout }>();

  /** `changed` is called each time a stream opens or ends. */
  constructor(private readonly changed: () => void) {}

  get size(): number {
    return this.open.size;
  }

  /** Starts the stream on `res` and announces `endpoint(id)` as the place to post messages. */
  start(res: ServerResponse, endpoint: (id: string) => string): void {
    const id = randomUUID();
    res.writeHead(200, EVENT_STREAM_HEADERS);
    res.socket?.setTimeout(0);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    this.open.set(id, { res, heartbeat });
    this.changed();
    res.on('close', () => this.end(id));
    res.write(`event: endpoint\ndata: ${endpoint(id)}\n\n`);
  }

  get(id: string): Session | undefined {
    const open = this.open.get(id);
    if (!open) return undefined;
    return {
      send: (event, data) => {
        if (!open.res.writableEnded) open.res.write(`event: ${event}\ndata: ${data}\n\n`);
      },
    };
  }

  end(id: string): void {
    const open = this.open.get(id);
    if (!open) return;
    this.open.delete(id);
    clearInterval(open.heartbeat);
    open.res.end();
    this.changed();
  }

  endAll(): void {
    for (const id of [...this.open.keys()]) this.end(id);
  }
}
