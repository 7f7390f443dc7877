/**
 * Sending messages (docs/bot.md, api/public.md): `send_group_msg` / `send_private_msg` with array
 * segments, and the forward extension. Each accepted message counts in `repliesOut` and its id is
 * remembered, so that a reply to it addresses the bot; a failure counts in `errors` and is thrown.
 * Either way it is announced on the event bus (message-events.ts).
 */
import type { ModuleContext, WsSocket } from '../../kernel/index.ts';
import { callAction } from './actions.ts';
import type { ForwardNode } from './long-text.ts';
import { announceSent } from './message-events.ts';
import type { Segment } from './segments.ts';
import { botOf } from './state.ts';

/** How many sent ids each connection remembers for the reply-to-bot trigger. */
const SENT_IDS_KEPT = 200;

/** Where a message goes: a group, or a user (privately; `groupId` then names the group a temporary chat starts from). */
export interface Target {
  groupId?: string;
  userId?: string;
}

async function send(ctx: ModuleContext, socket: WsSocket, to: Target, action: string, params: Record<string, unknown>): Promise<number | undefined> {
  const bot = botOf(socket);
  const announce = (ok: boolean) => announceSent(ctx, bot?.selfId ?? '', to.userId === undefined ? 'group' : 'private', ok);
  let data: unknown;
  try {
    data = await callAction(socket, action, params);
  } catch (err) {
    if (bot) bot.counters.errors += 1;
    announce(false);
    throw err;
  }
  announce(true);
  const id = Number((data as { message_id?: unknown } | null)?.message_id);
  if (!bot) return undefined;
  bot.counters.repliesOut += 1;
  if (!Number.isSafeInteger(id)) return undefined;
  bot.sentIds.push(id);
  if (bot.sentIds.length > SENT_IDS_KEPT) bot.sentIds.splice(0, bot.sentIds.length - SENT_IDS_KEPT);
  return id;
}

/** Sends a message to a group (when `userId` is absent) or to a user; resolves with its message id. */
export function sendMessage(ctx: ModuleContext, socket: WsSocket, to: Target, message: Segment[]): Promise<number | undefined> {
  if (to.userId === undefined) return send(ctx, socket, to, 'send_group_msg', { group_id: Number(to.groupId), message });
  const params: Record<string, unknown> = { user_id: Number(to.userId), message };
  if (to.groupId !== undefined) params.group_id = Number(to.groupId);
  return send(ctx, socket, to, 'send_private_msg', params);
}

/** Sends a forward message of custom nodes to a group or a user. */
export function sendForward(ctx: ModuleContext, socket: WsSocket, to: Target, messages: ForwardNode[]): Promise<number | undefined> {
  if (to.userId === undefined) return send(ctx, socket, to, 'send_group_forward_msg', { group_id: Number(to.groupId), messages });
  return send(ctx, socket, to, 'send_private_forward_msg', { user_id: Number(to.userId), messages });
}
