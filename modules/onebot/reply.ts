/**
 * A reply in the chat a job came from (docs/bot.md#replies), as the chat's effective settings
 * say: a `reply` segment quoting the triggering message when `chat.quoteReply` is on; a text
 * longer than `output.longText.threshold` as one forward message (`enabled`, mode `forward`) or
 * in parts; with `chat.autoRecall.enabled`, each message recalled after `chat.autoRecall.delay` s.
 */
import type { ModuleContext, WsSocket } from '../../kernel/index.ts';
import { effectiveSettings, getPath } from '../../lib/group-settings/index.ts';
import { actionSocket } from './bots.ts';
import { forwardNodes, splitText } from './long-text.ts';
import { reply, text, type Segment } from './segments.ts';
import { sendForward, sendMessage, type Target } from './send.ts';
import { botOf, type Job } from './state.ts';

/** The chat of a job: its group, else its user. */
export const chatOf = (job: Pick<Job, 'groupId' | 'userId'>): Target => (job.groupId !== undefined ? { groupId: job.groupId } : { userId: job.userId });

/** The connection to answer a job on; throws when the bot has none that carries actions. */
export function replySocket(ctx: ModuleContext, job: Job, eventSocket: WsSocket): WsSocket {
  const socket = actionSocket(ctx.ws, job.selfId, eventSocket);
  if (!socket) throw new Error(`bot ${job.selfId} has no open connection that carries actions`);
  return socket;
}

interface LongText {
  enabled?: boolean;
  threshold?: number;
  mode?: string;
}

export interface ReplyOptions {
  /** Quote the triggering message when the settings ask (default true). */
  quote?: boolean;
  /** Segments before the text (a mention). */
  before?: Segment[];
}

/** Sends `content` as the reply to `job`; resolves with the ids of the messages sent. */
export async function sendReply(ctx: ModuleContext, eventSocket: WsSocket, job: Job, content: string, opts: ReplyOptions = {}): Promise<number[]> {
  const socket = replySocket(ctx, job, eventSocket);
  const { settings } = await effectiveSettings(ctx.store, ctx.config, job.groupId);
  const to = chatOf(job);
  const quote = opts.quote !== false && getPath(settings, 'chat.quoteReply') === true && job.messageId !== undefined ? [reply(job.messageId)] : [];
  const before = opts.before ?? [];
  const long = ctx.config.get<LongText | undefined>('output.longText') ?? {};
  const threshold = long.threshold ?? 500;

  const ids: Array<number | undefined> = [];
  if (content.length <= threshold) {
    ids.push(await sendMessage(ctx, socket, to, [...quote, ...before, text(content)]));
  } else if (long.enabled !== false && (long.mode ?? 'forward') === 'forward') {
    const nickname = botOf(socket)?.nickname || 'Bot';
    ids.push(await sendForward(ctx, socket, to, forwardNodes(splitText(content, threshold), job.selfId, nickname)));
  } else {
    for (const [i, part] of splitText(content, threshold).entries()) {
      ids.push(await sendMessage(ctx, socket, to, i === 0 ? [...quote, ...before, text(part)] : [text(part)]));
    }
  }
  const sent = ids.filter((id): id is number => id !== undefined);
  if (getPath(settings, 'chat.autoRecall.enabled') === true) scheduleRecall(socket, sent, Number(getPath(settings, 'chat.autoRecall.delay') ?? 60));
  return sent;
}

/** Sends a short text (a command's answer, a notice) to a target, without quote or long-text handling. */
export function sendText(ctx: ModuleContext, eventSocket: WsSocket, job: Job, to: Target, content: string): Promise<number | undefined> {
  return sendMessage(ctx, replySocket(ctx, job, eventSocket), to, [text(content)]);
}

/** Notes messages to recall when due; the module's tick sends the `delete_msg`s. */
function scheduleRecall(socket: WsSocket, ids: number[], delaySeconds: number): void {
  const bot = botOf(socket);
  if (!bot) return;
  const dueAt = Date.now() + Math.max(0, delaySeconds) * 1000;
  for (const messageId of ids) bot.recalls.push({ messageId, dueAt });
}
