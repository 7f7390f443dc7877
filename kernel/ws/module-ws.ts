/**
 * `ctx.ws` of one module version. What a version declares while it is being built is held back
 * until the registry swaps it in (`activate`); from then on a declaration takes effect at once. A
 * version that has been replaced (or never got in) changes nothing any more.
 */
import type { Logger, ModuleWs, WsConnection, WsRoute } from '../types.ts';
import type { WsService } from './service.ts';

const PATH = /^\/[^\s?#]*$/;

export interface VersionWs {
  ws: ModuleWs;
  /** The swap point: this version's handlers take the module's sockets from their next frame on. */
  activate(): void;
}

export function createModuleWs(name: string, service: WsService, log: Logger): VersionWs {
  const routes = new Map<string, WsRoute>();
  const connections = new Map<string, WsConnection>();
  const token = {};
  let activated = false;
  /** Current: declarations apply now; still building: they wait for `activate`; replaced: dropped. */
  const phase = () => (!activated ? 'building' : service.get(name)?.current === token ? 'current' : 'replaced');
  const dropped = (what: string) => log.debug(`${what} ignored: this version of "${name}" has been replaced`);

  const ws: ModuleWs = {
    route(path, route) {
      if (typeof path !== 'string' || !PATH.test(path)) throw new Error(`ctx.ws.route: "${path}" is not a path (it starts with "/", without query or spaces)`);
      if (typeof route?.authorize !== 'function' || typeof route.onMessage !== 'function') {
        throw new Error(`ctx.ws.route(${path}): authorize and onMessage are required (authorize: () => true serves anyone)`);
      }
      const other = service.ownerOf(path);
      if (other && other !== name) throw new Error(`ctx.ws.route: WebSocket path ${path} is already served by module "${other}"`);
      const now = phase();
      if (now === 'replaced') return dropped(`ctx.ws.route(${path})`);
      // Once current, `routes` is the very map the module's sockets look their handlers up in.
      routes.set(path, route);
    },
    connect(key, connection) {
      let protocol = '';
      try {
        protocol = new URL(connection?.url).protocol;
      } catch {
        // reported below
      }
      if (protocol !== 'ws:' && protocol !== 'wss:') throw new Error(`ctx.ws.connect("${key}"): the url must be a ws:// or wss:// URL`);
      if (typeof connection.onMessage !== 'function') throw new Error(`ctx.ws.connect("${key}"): onMessage is required`);
      const now = phase();
      if (now === 'replaced') return dropped(`ctx.ws.connect("${key}")`);
      connections.set(key, connection);
      if (now === 'current') service.get(name)!.connect(key, connection);
    },
    disconnect(key) {
      const now = phase();
      if (now === 'replaced') return dropped(`ctx.ws.disconnect("${key}")`);
      connections.delete(key);
      if (now === 'current') service.get(name)?.disconnect(key);
    },
    sockets: () => [...(service.get(name)?.sockets ?? [])].map((s) => s.view),
  };

  return {
    ws,
    activate() {
      activated = true;
      service.adopt(name, token, routes, connections);
    },
  };
}
