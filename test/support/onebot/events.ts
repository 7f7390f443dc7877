/**
 * OneBot v11 event payloads (event/message.md, notice.md, meta.md) as an implementation posts them,
 * built from a few options. `time` and `self_id` are filled in by the simulator when it sends.
 */
import { encodeCq, seg, type Segment } from './segments.ts';

export type MessageFormat = 'array' | 'string';
export type Event = Record<string, unknown>;

interface MessageOptions {
  userId: number;
  /** Plain text, sent as one text segment; or give `segments`. */
  text?: string;
  segments?: Segment[];
  /** How `message` is carried; `raw_message` is always the CQ string. Default `array`. */
  format?: MessageFormat;
  /** Default: the simulator's next message id (read by the simulator, which passes the id in). */
  messageId?: number;
  nickname?: string;
  /** The whole `sender` object instead of the one built here; `null` leaves it out (best-effort field). */
  sender?: Record<string, unknown> | null;
}

export interface GroupMessageOptions extends MessageOptions {
  groupId: number;
  role?: 'owner' | 'admin' | 'member';
  card?: string;
}

export type PrivateMessageOptions = MessageOptions & { subType?: 'friend' | 'group' | 'other' };

function messageFields(o: MessageOptions, messageId: number): Event {
  const segments = o.segments ?? [seg.text(o.text ?? '')];
  const raw = encodeCq(segments);
  return {
    post_type: 'message',
    message_id: messageId,
    user_id: o.userId,
    message: o.format === 'string' ? raw : segments,
    raw_message: raw,
    font: 0,
  };
}

function withSender(event: Event, sender: Record<string, unknown> | null | undefined, built: Record<string, unknown>): Event {
  if (sender !== null) event.sender = sender ?? built;
  return event;
}

export function groupMessage(o: GroupMessageOptions, messageId: number): Event {
  const event = { ...messageFields(o, messageId), message_type: 'group', sub_type: 'normal', group_id: o.groupId, anonymous: null };
  const nickname = o.nickname ?? `user${o.userId}`;
  return withSender(event, o.sender, { user_id: o.userId, nickname, card: o.card ?? '', role: o.role ?? 'member' });
}

export function privateMessage(o: PrivateMessageOptions, messageId: number): Event {
  const event = { ...messageFields(o, messageId), message_type: 'private', sub_type: o.subType ?? 'friend' };
  return withSender(event, o.sender, { user_id: o.userId, nickname: o.nickname ?? `user${o.userId}` });
}

/** `notify`/`poke`: `userId` pokes `targetId` (the bot, by default), in a group when `groupId` is given. */
export function poke(o: { userId: number; targetId: number; groupId?: number }): Event {
  const event: Event = { post_type: 'notice', notice_type: 'notify', sub_type: 'poke', user_id: o.userId, target_id: o.targetId };
  if (o.groupId !== undefined) event.group_id = o.groupId;
  return event;
}

export interface MemberChangeOptions {
  groupId: number;
  userId: number;
  /** Default: the member themself (a leave, an approval). */
  operatorId?: number;
}

export function groupIncrease(o: MemberChangeOptions & { subType?: 'approve' | 'invite' }): Event {
  return memberChange('group_increase', o.subType ?? 'approve', o);
}

export function groupDecrease(o: MemberChangeOptions & { subType?: 'leave' | 'kick' | 'kick_me' }): Event {
  return memberChange('group_decrease', o.subType ?? 'leave', o);
}

function memberChange(noticeType: string, subType: string, o: MemberChangeOptions): Event {
  return {
    post_type: 'notice',
    notice_type: noticeType,
    sub_type: subType,
    group_id: o.groupId,
    user_id: o.userId,
    operator_id: o.operatorId ?? o.userId,
  };
}

export function lifecycleConnect(): Event {
  return { post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect' };
}

export function heartbeat(intervalMs: number): Event {
  return { post_type: 'meta_event', meta_event_type: 'heartbeat', status: { online: true, good: true }, interval: intervalMs };
}
