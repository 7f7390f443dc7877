/**
 * A connection the kernel keeps open for a module (`ctx.ws.connect`): it dials, and after a failed
 * dial or a close it dials again, waiting `retry.minMs` doubled per failure up to `retry.maxMs`
 * (1 s to 30 s by default; an open connection starts the count afresh), until it is stopped. The
 * loop belongs to the kernel, so it goes on across reloads; only `spec` (the handlers) is swapped.
 */
import WebSocket from 'ws';
import { maskUrl } from '../mask.ts';
import type { Logger, WsConnection } from '../types.ts';
import { LiveSocket } from './live-socket.ts';

export const MAX_PAYLOAD = 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = 10_000;

export class Dialer {
  private ws?: WebSocket;
  private socket?: LiveSocket;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;

  constructor(
    readonly key: string,
    public spec: WsConnection,
    private readonly owner: { sockets: Set<LiveSocket>; log: Logger },
  ) {
    this.dial();
  }

  /** Whether `spec` dials the same thing, so that the open socket can stay. */
  reaches(spec: WsConnection): boolean {
    return spec.url === this.spec.url && JSON.stringify(spec.headers ?? {}) === JSON.stringify(this.spec.headers ?? {}) && spec.maxPayload === this.spec.maxPayload;
  }

  stop(code: number, reason: string): void {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.end(code, reason);
    else this.ws?.terminate();
  }

  private dial(): void {
    const { url, headers, maxPayload } = this.spec;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, { headers, maxPayload: maxPayload ?? MAX_PAYLOAD, handshakeTimeout: HANDSHAKE_TIMEOUT_MS, followRedirects: false });
    } catch (err) {
      // A header no request can carry (a line break in a value, say): no dial would ever succeed.
      this.owner.log.error(`connection "${this.key}" to ${maskUrl(url)} cannot be made: ${(err as Error).message}`);
      return;
    }
    this.ws = ws;
    ws.on('error', (err) => {
      if (this.socket || this.stopped) return; // an open socket's errors are its own to log
      // An absent server is tried every 30 s for as long as it is configured: said once, then at debug.
      const log = this.failures === 0 ? this.owner.log.warn : this.owner.log.debug;
      log(`connection "${this.key}" to ${maskUrl(url)} failed: ${err.message}; dialing again in ${this.delay() / 1000} s`);
    });
    ws.once('open', () => {
      this.failures = 0;
      const socket = new LiveSocket(ws, { via: 'connect', key: this.key, url }, () => (this.stopped ? undefined : this.spec), this.owner.log);
      this.socket = socket;
      this.owner.sockets.add(socket);
      socket.onClosed(() => this.owner.sockets.delete(socket));
    });
    ws.once('close', () => {
      this.ws = undefined;
      this.socket = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.dial(), this.delay());
      this.failures += 1;
    });
  }

  private delay(): number {
    const min = this.spec.retry?.minMs ?? 1000;
    return Math.min(this.spec.retry?.maxMs ?? 30_000, min * 2 ** this.failures);
  }
}
