/**
 * The kernel's WebSocket service: the sockets and outgoing connections of every module, kept by
 * module name rather than by version, so that they outlive a reload (docs/modules.md#lifetimes, docs/modules.md#websockets).
 * The registry calls `adopt` at its swap point and `close` when a module is disabled or removed.
 */
import { createLogger, type LogLevel } from '../log.ts';
import type { WsConnection, WsRoute } from '../types.ts';
import { ModuleSockets } from './module-sockets.ts';

export class WsService {
  private readonly modules = new Map<string, ModuleSockets>();

  constructor(private readonly logLevel: LogLevel) {}

  /** The module serving WebSocket upgrades on `path`, with its current declaration of it. */
  find(path: string): { owner: ModuleSockets; route: WsRoute } | undefined {
    for (const owner of this.modules.values()) {
      const route = owner.routes.get(path);
      if (route) return { owner, route };
    }
    return undefined;
  }

  /** The name of the module serving `path`, if any. */
  ownerOf(path: string): string | undefined {
    return this.find(path)?.owner.name;
  }

  /** The kernel's holdings for module `name`, if it has any. */
  get(name: string): ModuleSockets | undefined {
    return this.modules.get(name);
  }

  /** Makes `version`'s declarations those of module `name` (a path another module serves is skipped). */
  adopt(name: string, version: object, routes: Map<string, WsRoute>, connections: Map<string, WsConnection>): void {
    let owner = this.modules.get(name);
    if (!owner) {
      owner = new ModuleSockets(name, createLogger(`module:${name}`, this.logLevel));
      this.modules.set(name, owner);
    }
    for (const path of routes.keys()) {
      const other = this.ownerOf(path);
      if (other && other !== name) {
        owner.log.error(`WebSocket path ${path} is already served by module "${other}"; not served by "${name}"`);
        routes.delete(path);
      }
    }
    owner.adopt(version, routes, connections);
  }

  /** Closes module `name`'s sockets and connections (1001 with `reason`): it was disabled or removed. */
  close(name: string, reason: string): void {
    this.modules.get(name)?.closeAll(reason);
    this.modules.delete(name);
  }

  /** Closes every socket and connection: the server is stopping. */
  stop(): void {
    for (const name of [...this.modules.keys()]) this.close(name, 'server stopping');
  }
}
