/**
 * The life of a connection (docs/bot.md#connections, docs/bot.md#reload-and-faults): set up on open (a reverse client replaces
 * the earlier one of the same account and role), its account learned (`X-Self-ID`, or a forward
 * connection's first event or `get_login_info`), `bot-connected` / `bot-disconnected` on the bus,
 * and a tick that sends due recalls and closes a forward connection that went quiet for three
 * heartbeat intervals (60 s without heartbeats), which the kernel then redials.
 */
import type { ModuleContext, WsHandlers, WsRoute, WsSocket } from '../../kernel/index.ts';
import { callAction, failPending } from './actions.ts';
import { liveBots } from './bots.ts';
import { roleOfUrl, type ForwardConnection } from './forward.ts';
import { onFrame, type FrameContext } from './frames.ts';
import type { Scheduler } from './queue.ts';
import { authorizeReverse, clientOf } from './reverse.ts';
import { Snapshot } from './snapshot.ts';
import { botOf, carriesActions, initBot, type BotState } from './state.ts';

/** Quiet time after which a forward connection without heartbeats counts as dead. */
const QUIET_WITHOUT_HEARTBEAT_MS = 60_000;
const TICK_MS = 250;

/** The account each forward connection last reached, so the list still names it while it redials. */
export interface SeenAccounts {
  connections: Record<string, { selfId: string; nickname?: string }>;
}

export const seenAccounts = (ctx: ModuleContext) => ctx.store.collection<SeenAccounts>('onebot-accounts', { connections: {} });

const describe = (bot: BotState) => `bot ${bot.selfId ?? '(not yet known)'} (${bot.via}${bot.connectionId ? ` "${bot.connectionId}"` : ''}, ${bot.role})`;

export class Connections {
  private readonly frames: FrameContext;

  constructor(
    private readonly ctx: ModuleContext,
    private readonly scheduler: Scheduler,
  ) {
    this.frames = { ctx, scheduler, snapshot: new Snapshot(ctx), learned: (socket, selfId) => this.learned(socket, selfId) };
    ctx.setInterval(() => this.tick(), TICK_MS);
  }

  /** The reverse WebSocket route's handlers. */
  reverse(): WsRoute {
    return {
      authorize: (request) => authorizeReverse(this.ctx, request),
      onOpen: (socket) => {
        if (socket.via !== 'route') return;
        const client = clientOf(socket.request);
        if ('status' in client) return socket.close(1008, client.message);
        const bot = initBot(socket, { via: 'reverse', role: client.role, selfId: client.selfId });
        for (const other of liveBots(this.ctx.ws)) {
          if (other.socket === socket || other.bot.via !== 'reverse' || other.bot.selfId !== bot.selfId || other.bot.role !== bot.role) continue;
          other.bot.replaced = true;
          // What waits goes on with the new connection (plain data); a job still running ends on the old one.
          bot.queue.push(...other.bot.queue.splice(0));
          bot.recalls.push(...other.bot.recalls.splice(0));
          other.socket.close(1000, 'replaced by a new connection');
        }
        this.connected(socket, bot);
      },
      ...this.common(),
    };
  }

  /** A forward connection's handlers. */
  forward(connection: ForwardConnection): WsHandlers {
    return {
      onOpen: (socket) => {
        initBot(socket, { via: 'forward', role: roleOfUrl(connection.url), selfId: null, connectionId: connection.id });
        this.ctx.log.info(`forward connection "${connection.id}" open`);
        this.identify(socket);
      },
      ...this.common(),
    };
  }

  private common(): Pick<WsHandlers, 'onMessage' | 'onClose'> {
    return {
      onMessage: (socket, data) => onFrame(this.frames, socket, data),
      onClose: (socket, code) => {
        const bot = botOf(socket);
        if (!bot) return;
        failPending(bot);
        if (bot.queue.length) this.ctx.log.warn(`${describe(bot)}: ${bot.queue.length} waiting message(s) dropped with the connection`);
        this.ctx.log.info(`${describe(bot)} disconnected (${code})`);
        if (bot.selfId !== null && !bot.replaced) this.ctx.events.publish('bot-disconnected', this.payload(bot));
      },
    };
  }

  private payload(bot: BotState) {
    return { selfId: bot.selfId, via: bot.via, role: bot.role, ...(bot.connectionId ? { connectionId: bot.connectionId } : {}) };
  }

  private connected(socket: WsSocket, bot: BotState): void {
    this.ctx.log.info(`${describe(bot)} connected`);
    this.ctx.events.publish('bot-connected', this.payload(bot));
    if (bot.nickname === undefined) this.identify(socket);
  }

  /** Asks the account's number and nickname (not awaited: the answer comes on this same socket). */
  private identify(socket: WsSocket): void {
    const bot = botOf(socket);
    if (!bot || !carriesActions(bot)) return;
    callAction(socket, 'get_login_info', {}).then(
      (data) => {
        const info = (data ?? {}) as { user_id?: unknown; nickname?: unknown };
        if (typeof info.nickname === 'string') bot.nickname = info.nickname;
        const selfId = typeof info.user_id === 'number' || typeof info.user_id === 'string' ? String(info.user_id) : undefined;
        if (bot.selfId === null && selfId) this.learned(socket, selfId);
      },
      (err: Error) => this.ctx.log.debug(`${describe(bot)}: get_login_info: ${err.message}`),
    );
  }

  /** A forward connection now knows its account. */
  private learned(socket: WsSocket, selfId: string): void {
    const bot = botOf(socket);
    if (!bot || bot.selfId !== null || !/^[1-9]\d{0,19}$/.test(selfId)) return;
    bot.selfId = selfId;
    this.connected(socket, bot);
    const id = bot.connectionId;
    if (!id) return;
    this.note(id, { selfId, ...(bot.nickname ? { nickname: bot.nickname } : {}) }).catch((err: Error) =>
      this.ctx.log.warn(`could not note the account of connection "${id}": ${err.message}`),
    );
  }

  /** Keeps the account a forward connection reached, writing only when it changed. */
  private async note(id: string, account: SeenAccounts['connections'][string]): Promise<void> {
    const seen = seenAccounts(this.ctx);
    if (JSON.stringify((await seen.read()).connections[id]) === JSON.stringify(account)) return;
    await seen.update((data) => {
      data.connections[id] = account;
    });
  }

  private tick(): void {
    // Jobs an older version left waiting start here too, if nothing else starts them first.
    this.scheduler.pump();
    const now = Date.now();
    for (const { socket, bot } of liveBots(this.ctx.ws)) {
      if (bot.recalls.some((r) => r.dueAt <= now)) this.recall(socket, bot, now);
      if (bot.via !== 'forward' || bot.closing) continue;
      const quiet = bot.heartbeatMs ? 3 * bot.heartbeatMs : QUIET_WITHOUT_HEARTBEAT_MS;
      if (now - bot.lastFrameAt <= quiet) continue;
      bot.closing = true;
      this.ctx.log.warn(`${describe(bot)}: no frame for ${Math.round((now - bot.lastFrameAt) / 1000)} s; closing it to reconnect`);
      socket.close(4000, 'no frame for three heartbeat intervals');
    }
  }

  private recall(socket: WsSocket, bot: BotState, now: number): void {
    const due = bot.recalls.filter((r) => r.dueAt <= now);
    bot.recalls = bot.recalls.filter((r) => r.dueAt > now);
    for (const { messageId } of due) {
      callAction(socket, 'delete_msg', { message_id: messageId }).catch((err: Error) => {
        bot.counters.errors += 1;
        this.ctx.log.info(`${describe(bot)}: recalling message ${messageId} failed: ${err.message}`);
      });
    }
  }
}
