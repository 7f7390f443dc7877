/**
 * One frame from the implementation: an action's answer (settles its call) or an event (message,
 * notice, meta). A malformed frame, an unknown event, an answer with an unknown `echo`: logged at
 * debug and skipped; the connection stays (docs/bot.md#reload-and-faults).
 */
import type { ModuleContext, WsSocket } from '../../kernel/index.ts';
import { isAnswer, settleAnswer } from './actions.ts';
import { onNotice } from './notices.ts';
import { onMessageEvent } from './pipeline.ts';
import type { Scheduler } from './queue.ts';
import type { Snapshot } from './snapshot.ts';
import { botOf } from './state.ts';

/** What handling an event needs. */
export interface EventContext {
  ctx: ModuleContext;
  scheduler: Scheduler;
  snapshot: Snapshot;
}

export interface FrameContext extends EventContext {
  /** A forward connection learned its account from an event. */
  learned(socket: WsSocket, selfId: string): void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function onFrame(f: FrameContext, socket: WsSocket, data: string | Buffer): Promise<void> {
  const { ctx } = f;
  const bot = botOf(socket);
  if (!bot) return;
  bot.lastFrameAt = Date.now();
  let frame: unknown;
  try {
    frame = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    ctx.log.debug(`bot ${bot.selfId ?? '?'}: a frame that is not JSON skipped`);
    return;
  }
  if (!isObject(frame)) return ctx.log.debug(`bot ${bot.selfId ?? '?'}: a frame that is not an object skipped`);
  if (isAnswer(frame)) {
    if (!settleAnswer(bot, frame)) ctx.log.debug(`bot ${bot.selfId ?? '?'}: an answer with unknown echo ${JSON.stringify(frame.echo)} skipped`);
    return;
  }
  const selfId = typeof frame.self_id === 'number' || typeof frame.self_id === 'string' ? String(frame.self_id) : undefined;
  if (bot.selfId === null && selfId) f.learned(socket, selfId);
  if (bot.selfId === null) return ctx.log.debug('an event before the account is known skipped');
  bot.lastEventAt = Date.now();
  const live = { socket, bot };
  switch (frame.post_type) {
    case 'message':
      return onMessageEvent(f, live, frame);
    case 'notice':
      return onNotice(f, live, frame);
    case 'meta_event':
      if (frame.meta_event_type === 'heartbeat' && typeof frame.interval === 'number' && frame.interval > 0) bot.heartbeatMs = frame.interval;
      return;
    case 'message_sent': // the bot's own messages, as some implementations echo them
    case 'request':
      return;
    default:
      ctx.log.debug(`bot ${bot.selfId}: an event of unknown type ${JSON.stringify(frame.post_type)} skipped`);
  }
}
