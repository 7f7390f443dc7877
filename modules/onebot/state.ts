/**
 * What the bridge keeps about each live connection, in the socket's `state`: the kernel keeps it
 * across reloads of this module, so the counters, the queue of triggered messages and the pending
 * recalls survive a reload with the socket, and every version works on the same ones.
 */
import type { WsSocket } from '../../kernel/index.ts';

export type Role = 'Universal' | 'API' | 'Event';

export interface Counters {
  /** Message events received (the bot's own included; `message_sent` is not a message). */
  messagesIn: number;
  /** Messages that triggered a turn or a command, and notices answered. */
  triggered: number;
  /** Messages the bot sent that the implementation accepted. */
  repliesOut: number;
  /** Failed actions and turns, and triggered messages dropped from a full queue. */
  errors: number;
}

/** A triggered message (or notice) waiting for its turn: plain data, so any version can run it. */
export interface Job {
  /** What orders it: one chat's jobs run one at a time, in order (`<selfId>:g<group>` or `<selfId>:u<user>`). */
  chat: string;
  queuedAt: number;
  kind: 'turn' | 'command' | 'notice';
  selfId: string;
  groupId?: string;
  userId: string;
  /** The triggering message's id (for a quote), if any. */
  messageId?: number;
  /** turn: the text for the model; command: the command's name; notice: the notice's kind. */
  text: string;
  /** command: its argument; notice: the member's name. */
  arg?: string;
  /** The sender's group role (`owner`, `admin`, `member`), when the event says. */
  senderRole?: string;
}

/** An action sent and not yet answered. Functions, not data: an answer that reaches a newer version still settles the call. */
export interface PendingAction {
  settle(frame: Record<string, unknown>): void;
  fail(reason: string): void;
}

export interface BotState {
  via: 'reverse' | 'forward';
  role: Role;
  /** The forward connection's id in `onebot.connections`. */
  connectionId?: string;
  /** The bot's QQ number; a forward connection learns it from its first event or `get_login_info`. */
  selfId: string | null;
  nickname?: string;
  connectedAt: number;
  lastEventAt: number | null;
  lastFrameAt: number;
  /** The interval the last heartbeat announced (ms), if any. */
  heartbeatMs: number | null;
  counters: Counters;
  /** Jobs waiting, oldest first. */
  queue: Job[];
  /** Chats of this connection with a job running. */
  busy: Record<string, true>;
  /** Jobs of this connection running now. */
  running: number;
  /** Messages to recall (`delete_msg`) when due, sent on this connection. */
  recalls: Array<{ messageId: number; dueAt: number }>;
  /** Ids of the latest messages sent on this connection: a reply to one of them addresses the bot. */
  sentIds: number[];
  nextEcho: number;
  pending: Record<string, PendingAction>;
  /** A newer connection of the same account and role took its place. */
  replaced?: boolean;
  /** Closed by the bridge for being quiet; the kernel redials. */
  closing?: boolean;
}

/** The bridge's state of a socket, or undefined for one it has not set up (it never happens after `onOpen`). */
export const botOf = (socket: WsSocket): BotState | undefined => socket.state.bot as BotState | undefined;

/** Sets up a new connection's state. */
export function initBot(socket: WsSocket, init: Pick<BotState, 'via' | 'role' | 'selfId' | 'connectionId'>): BotState {
  const now = Date.now();
  const bot: BotState = {
    ...init,
    connectedAt: now,
    lastEventAt: null,
    lastFrameAt: now,
    heartbeatMs: null,
    counters: { messagesIn: 0, triggered: 0, repliesOut: 0, errors: 0 },
    queue: [],
    busy: {},
    running: 0,
    recalls: [],
    sentIds: [],
    nextEcho: 1,
    pending: {},
  };
  socket.state.bot = bot;
  return bot;
}

export const carriesActions = (bot: BotState) => bot.role !== 'Event';
export const carriesEvents = (bot: BotState) => bot.role !== 'API';
