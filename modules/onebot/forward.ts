/**
 * Forward WebSocket (docs/bot.md#connections): the kernel dials each entry of `onebot.connections` and
 * redials with backoff (1 s doubling to 30 s) for as long as the entry exists. The entry's token
 * goes as `Authorization: Bearer`. The URL's path says the role: `/api`, `/event`, else Universal.
 */
import type { ModuleContext, WsHandlers } from '../../kernel/index.ts';
import type { Role } from './state.ts';

export interface ForwardConnection {
  id: string;
  url: string;
  accessToken?: string;
}

export function roleOfUrl(url: string): Role {
  const path = new URL(url).pathname.replace(/\/+$/, '');
  return path.endsWith('/api') ? 'API' : path.endsWith('/event') ? 'Event' : 'Universal';
}

/** The configured connections (the first of two with one id). */
export function forwardConnections(ctx: ModuleContext): ForwardConnection[] {
  const all = ctx.config.get<ForwardConnection[] | undefined>('onebot.connections') ?? [];
  const ids = new Set<string>();
  return all.filter((c) => !ids.has(c.id) && ids.add(c.id));
}

/** Dials every configured connection, and follows changes of the configuration. */
export function dialForward(ctx: ModuleContext, handlersFor: (connection: ForwardConnection) => WsHandlers): void {
  const dialed = new Set<string>();
  const sync = () => {
    const wanted = forwardConnections(ctx);
    for (const connection of wanted) {
      const headers: Record<string, string> = connection.accessToken ? { Authorization: `Bearer ${connection.accessToken}` } : {};
      ctx.ws.connect(connection.id, { url: connection.url, headers, ...handlersFor(connection) });
      dialed.add(connection.id);
    }
    for (const id of dialed) {
      if (wanted.some((c) => c.id === id)) continue;
      ctx.ws.disconnect(id);
      dialed.delete(id);
    }
  };
  sync();
  ctx.config.onChange((paths) => {
    if (paths.some((p) => p === 'onebot' || p.startsWith('onebot.connections'))) sync();
  });
}
