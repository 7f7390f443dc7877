/**
 * What the kernel holds for one module name across its versions: the WebSocket paths it serves
 * with the current version's handlers, the connections it dials, and the open sockets of both. A
 * socket's handlers are looked up here for every frame, so swapping them (`adopt`) is one assignment.
 */
import type WebSocket from 'ws';
import type { Logger, WsConnection, WsRequest, WsRoute } from '../types.ts';
import { Dialer } from './dialer.ts';
import { LiveSocket } from './live-socket.ts';

export class ModuleSockets {
  /** The current version's paths and their handlers. */
  routes = new Map<string, WsRoute>();
  /** The version whose declarations are current (an opaque token of its `ctx.ws`). */
  current?: object;
  readonly sockets = new Set<LiveSocket>();
  private readonly dialers = new Map<string, Dialer>();

  constructor(
    readonly name: string,
    readonly log: Logger,
  ) {}

  /** Takes over a socket a client upgraded on `path`. */
  accept(ws: WebSocket, path: string, request: WsRequest): void {
    const socket = new LiveSocket(ws, { via: 'route', path, request }, () => this.routes.get(path), this.log);
    this.sockets.add(socket);
    socket.onClosed(() => this.sockets.delete(socket));
  }

  /**
   * Makes a new version's declarations current: from here on its handlers take every socket's next
   * frame. Sockets on a path it no longer serves, and connections it no longer declares, are closed.
   */
  adopt(version: object, routes: Map<string, WsRoute>, connections: Map<string, WsConnection>): void {
    this.current = version;
    this.routes = routes;
    for (const socket of this.sockets) {
      if (socket.view.via === 'route' && !routes.has(socket.view.path)) socket.end(1001, 'path no longer served');
    }
    for (const key of this.dialers.keys()) if (!connections.has(key)) this.disconnect(key);
    for (const [key, connection] of connections) this.connect(key, connection);
  }

  connect(key: string, connection: WsConnection): void {
    const dialer = this.dialers.get(key);
    if (dialer?.reaches(connection)) {
      dialer.spec = connection;
      return;
    }
    dialer?.stop(1000, 'connection changed');
    this.dialers.set(key, new Dialer(key, connection, this));
  }

  disconnect(key: string): void {
    this.dialers.get(key)?.stop(1000, 'connection removed');
    this.dialers.delete(key);
  }

  /** Closes everything (1001 with `reason`); no handler of the module is called any more. */
  closeAll(reason: string): void {
    this.current = undefined;
    this.routes = new Map();
    for (const dialer of this.dialers.values()) dialer.stop(1001, reason);
    this.dialers.clear();
    for (const socket of this.sockets) socket.end(1001, reason);
  }
}
