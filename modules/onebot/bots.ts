/**
 * The bots as the open sockets show them: which connection to send a bot's actions on, and the
 * list `GET /api/bots` answers (docs/bot.md#api). A bot on split API/Event clients is one
 * entry; a forward connection is listed from the moment it is configured.
 */
import { maskUrl, type ModuleWs, type WsSocket } from '../../kernel/index.ts';
import type { ForwardConnection } from './forward.ts';
import { botOf, carriesActions, type BotState, type Counters } from './state.ts';

export interface LiveBot {
  socket: WsSocket;
  bot: BotState;
}

export interface BotEntry {
  selfId: string | null;
  nickname: string | null;
  via: 'reverse' | 'forward';
  connectionId?: string;
  /** A forward connection's URL, masked. */
  url?: string;
  connected: boolean;
  /** The roles of the open connections (`Universal`, or `API` and `Event`). */
  roles: string[];
  connectedAt: string | null;
  lastEventAt: string | null;
  /** Counted since the open connections opened (`connectedAt`): a connection's counters go with it. */
  counters: Counters;
}

export function liveBots(ws: ModuleWs): LiveBot[] {
  const out: LiveBot[] = [];
  for (const socket of ws.sockets()) {
    const bot = botOf(socket);
    if (bot && socket.open) out.push({ socket, bot });
  }
  return out;
}

/** The connection to send `selfId`'s actions on: `preferred` when it carries actions, else another of the same bot. */
export function actionSocket(ws: ModuleWs, selfId: string, preferred?: WsSocket): WsSocket | undefined {
  const own = preferred && botOf(preferred);
  if (preferred?.open && own && carriesActions(own)) return preferred;
  return liveBots(ws).find(({ bot }) => bot.selfId === selfId && carriesActions(bot))?.socket;
}

const zero = (): Counters => ({ messagesIn: 0, triggered: 0, repliesOut: 0, errors: 0 });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One entry from the connections of one bot (or of one forward connection). */
function entry(base: Pick<BotEntry, 'selfId' | 'via' | 'connectionId' | 'url'>, live: LiveBot[], nickname: string | null = null): BotEntry {
  const counters = zero();
  for (const { bot } of live) for (const key of Object.keys(counters) as Array<keyof Counters>) counters[key] += bot.counters[key];
  const connectedAt = live.length ? Math.min(...live.map(({ bot }) => bot.connectedAt)) : null;
  const events = live.map(({ bot }) => bot.lastEventAt).filter((t): t is number => t !== null);
  return {
    ...base,
    nickname: live.find(({ bot }) => bot.nickname)?.bot.nickname ?? nickname,
    connected: live.length > 0,
    roles: live.map(({ bot }) => bot.role),
    connectedAt: iso(connectedAt),
    lastEventAt: iso(events.length ? Math.max(...events) : null),
    counters,
  };
}

/** What `GET /api/bots` lists: reverse bots by account, then every configured forward connection. */
export function listBots(ws: ModuleWs, connections: ForwardConnection[], seen: Record<string, { selfId: string; nickname?: string }>): BotEntry[] {
  const live = liveBots(ws);
  const reverse = new Map<string, LiveBot[]>();
  for (const item of live) {
    if (item.bot.via !== 'reverse' || item.bot.selfId === null) continue;
    reverse.set(item.bot.selfId, [...(reverse.get(item.bot.selfId) ?? []), item]);
  }
  const out = [...reverse].map(([selfId, items]) => entry({ selfId, via: 'reverse' }, items));
  for (const connection of connections) {
    const items = live.filter(({ bot }) => bot.via === 'forward' && bot.connectionId === connection.id);
    const known = items.find(({ bot }) => bot.selfId)?.bot.selfId ?? seen[connection.id]?.selfId ?? null;
    out.push(entry({ selfId: known, via: 'forward', connectionId: connection.id, url: maskUrl(connection.url) }, items, seen[connection.id]?.nickname ?? null));
  }
  return out;
}
