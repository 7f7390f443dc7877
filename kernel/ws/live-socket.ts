/**
 * One live WebSocket, kept by the kernel for a module's name. Its opening, frames and close go
 * through one queue, each to the handler its binding names at the moment it is taken from the
 * queue: a reload that swaps the handlers loses no frame and hands none to both versions. Calls for
 * one socket never overlap, so a frame that arrives while a handler runs (or while a version is
 * swapped in) waits, in order; a long queue pauses reading from the socket (TCP backpressure).
 */
import WebSocket from 'ws';
import type { Logger, WsHandlers, WsRequest, WsSocket } from '../types.ts';

/** How long one handler call may hold the queue before the next frame goes on without it. */
const HANDLER_TIMEOUT_MS = 10_000;
/** Frames waiting past this pause reading from the socket until the queue is short again. */
const HIGH_WATER = 64;
/** How long a socket the kernel closes may take over the closing handshake before it is cut. */
const CLOSE_GRACE_MS = 2000;

export type SocketOrigin = { via: 'route'; path: string; request: WsRequest } | { via: 'connect'; key: string; url: string };

type Delivery = { kind: 'open' } | { kind: 'message'; data: string | Buffer } | { kind: 'close'; code: number; reason: string };

let lastId = 0;

export class LiveSocket {
  /** What the module's handlers get. */
  readonly view: WsSocket;
  private readonly queue: Delivery[] = [];
  private running = false;
  private paused = false;

  /**
   * `handlers` is asked for each delivery: undefined means nobody serves this socket any more (its
   * module was unloaded or stopped declaring it), and what is still queued is dropped.
   */
  constructor(
    private readonly ws: WebSocket,
    origin: SocketOrigin,
    private readonly handlers: () => WsHandlers | undefined,
    private readonly log: Logger,
  ) {
    this.view = {
      ...origin,
      id: ++lastId,
      openedAt: Date.now(),
      state: {},
      get open() {
        return ws.readyState === WebSocket.OPEN;
      },
      send(data: string | Buffer) {
        if (ws.readyState !== WebSocket.OPEN) return false;
        ws.send(data);
        return true;
      },
      // A module's close is cut like the kernel's: a dead peer would otherwise hold it for ws's 30 s.
      close: (code = 1000, reason = '') => this.end(code, reason),
    } as WsSocket;
    ws.on('message', (data, isBinary) => this.push({ kind: 'message', data: isBinary ? (data as Buffer) : (data as Buffer).toString('utf8') }));
    ws.once('close', (code, reason) => this.push({ kind: 'close', code, reason: reason.toString() }));
    // A peer's protocol error or an oversized frame: ws closes the socket (1002, 1009) after this.
    ws.on('error', (err) => log.warn(`${this.label}: ${err.message}`));
    this.push({ kind: 'open' });
  }

  get label(): string {
    const v = this.view;
    return v.via === 'route' ? `WebSocket ${v.path} #${v.id} (${v.request.ip})` : `connection "${v.key}" #${v.id}`;
  }

  /** Closes from the kernel's side (unload, stop, a path no longer served), cutting a peer that does not answer. */
  end(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(code, reason);
    const cut = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    cut.unref();
    this.ws.once('close', () => clearTimeout(cut));
  }

  onClosed(fn: () => void): void {
    this.ws.once('close', fn);
  }

  private push(delivery: Delivery): void {
    this.queue.push(delivery);
    if (this.queue.length >= HIGH_WATER && !this.paused) {
      this.paused = true;
      this.ws.pause();
    }
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const pending = this.deliver(this.queue.shift()!);
      if (pending) await pending;
      if (this.paused && this.queue.length < HIGH_WATER / 2) {
        this.paused = false;
        this.ws.resume();
      }
    }
    this.running = false;
  }

  /** Calls the current handler; returns a promise only when it is still running. */
  private deliver(d: Delivery): Promise<void> | undefined {
    const h = this.handlers();
    if (!h) return undefined;
    const what = d.kind === 'open' ? 'onOpen' : d.kind === 'message' ? 'onMessage' : 'onClose';
    let result: unknown;
    try {
      if (d.kind === 'open') result = h.onOpen?.(this.view);
      else if (d.kind === 'message') result = h.onMessage(this.view, d.data);
      else result = h.onClose?.(this.view, d.code, d.reason);
    } catch (err) {
      this.failed(what, err);
      return undefined;
    }
    if (typeof (result as PromiseLike<unknown>)?.then !== 'function') return undefined;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn(`${this.label}: ${what} still running after ${HANDLER_TIMEOUT_MS} ms; the next frame goes on without it`);
        resolve();
      }, HANDLER_TIMEOUT_MS);
      (result as PromiseLike<unknown>).then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          this.failed(what, err);
          resolve();
        },
      );
    });
  }

  private failed(what: string, err: unknown): void {
    this.log.error(`${this.label}: ${what} failed (the socket stays open): ${(err as Error)?.stack ?? String(err)}`);
  }
}
