/**
 * One `bot-message` event on the kernel bus for each message a bot receives (every message event,
 * as `messagesIn` counts them) and each message it sends (`send_*_msg`, accepted or failed): what
 * the metrics module counts, without importing this one. The payload names the bot, the direction
 * and the kind of chat only — never a user or a group, which would make unbounded label sets.
 */
import type { ModuleContext } from '../../kernel/index.ts';

export const BOT_MESSAGE = 'bot-message';

export type MessageType = 'group' | 'private' | 'other';

/** A received message event of `messageType` (the event's `message_type`, as sent). */
export function announceReceived(ctx: ModuleContext, selfId: string, messageType: unknown): void {
  const type: MessageType = messageType === 'group' || messageType === 'private' ? messageType : 'other';
  ctx.events.publish(BOT_MESSAGE, { selfId, direction: 'in', messageType: type, outcome: 'ok' });
}

/** A message the bot sent: `ok` when the implementation accepted it, else `failed`. */
export function announceSent(ctx: ModuleContext, selfId: string, messageType: MessageType, ok: boolean): void {
  ctx.events.publish(BOT_MESSAGE, { selfId, direction: 'out', messageType, outcome: ok ? 'ok' : 'failed' });
}
