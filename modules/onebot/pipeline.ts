/**
 * A message event, in the order of docs/bot.md#message-pipeline: counted and announced
 * (message-events.ts); the bot's own messages ignored; the lists; then a command, or a trigger.
 * What is to be answered becomes a job in its chat's queue; nothing here waits for the
 * implementation, so the socket's next frame is read at once.
 */
import type { ModuleContext } from '../../kernel/index.ts';
import { liveBots, type LiveBot } from './bots.ts';
import { parseCommand } from './commands.ts';
import type { EventContext } from './frames.ts';
import { announceReceived } from './message-events.ts';
import { mentions, parseMessage, quotedId, textOf } from './segments.ts';
import type { Job } from './state.ts';
import { groupListAllows, groupTrigger, listsAllow, privateTrigger } from './triggers.ts';

/** Segment types the bridge reads; others are skipped (logged at debug). */
const KNOWN_SEGMENTS = new Set(['text', 'at', 'reply', 'face', 'image', 'record', 'video', 'forward', 'json', 'xml', 'file', 'mface', 'markdown', 'poke', 'dice', 'rps', 'share', 'contact', 'location', 'music', 'node']);

const idOf = (value: unknown) => (typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : undefined);

/** Whether `messageId` is one the bot sent (on any of its connections). */
function sentByBot(ctx: ModuleContext, selfId: string, messageId: number | undefined): boolean {
  if (messageId === undefined) return false;
  return liveBots(ctx.ws).some(({ bot }) => bot.selfId === selfId && bot.sentIds.includes(messageId));
}

export async function onMessageEvent({ ctx, scheduler, snapshot }: EventContext, { bot }: LiveBot, event: Record<string, unknown>): Promise<void> {
  bot.counters.messagesIn += 1;
  const selfId = bot.selfId!;
  announceReceived(ctx, selfId, event.message_type);
  const userId = idOf(event.user_id);
  if (!userId || userId === selfId) return;
  const type = event.message_type;
  const groupId = type === 'group' ? idOf(event.group_id) : undefined;
  if ((type !== 'group' && type !== 'private') || (type === 'group' && !groupId)) {
    ctx.log.debug(`message event of type ${JSON.stringify(type)} skipped`);
    return;
  }
  const triggers = snapshot.triggers();
  if (!listsAllow(triggers, userId, groupId)) return;

  const segments = parseMessage(event.message ?? event.raw_message);
  const unknown = segments.filter((s) => !KNOWN_SEGMENTS.has(s.type)).map((s) => s.type);
  if (unknown.length) ctx.log.debug(`segments of unknown types skipped: ${[...new Set(unknown)].join(', ')}`);
  const text = textOf(segments, selfId);
  const settings = groupId ? await snapshot.settings(groupId) : undefined;
  if (settings && !groupListAllows(settings, userId)) return;

  const messageId = Number.isSafeInteger(event.message_id) ? (event.message_id as number) : undefined;
  const sender = (event.sender ?? {}) as { role?: unknown };
  const base = { chat: `${selfId}:${groupId ? `g${groupId}` : `u${userId}`}`, queuedAt: Date.now(), selfId, groupId, userId, messageId };

  const command = parseCommand(text, triggers.commandPrefix);
  let job: Job | undefined;
  if (command) job = { ...base, kind: 'command', text: command, senderRole: typeof sender.role === 'string' ? sender.role : undefined };
  else {
    const addressed = mentions(segments, selfId) || sentByBot(ctx, selfId, quotedId(segments));
    const forModel = settings ? groupTrigger(triggers, settings, { text, addressed }) : privateTrigger(triggers, text);
    if (forModel !== undefined) job = { ...base, kind: 'turn', text: forModel };
  }
  if (!job) return;
  bot.counters.triggered += 1;
  scheduler.enqueue(bot, job);
}
