/**
 * A triggered message's turn (docs/bot.md#the-turn): the chat engine `POST /api/chat` uses, with
 * the chat's effective settings; the conversation is the user's, the group's, or the member's own
 * (`context.isolation.groupUserIsolation`), and shows its source in `/api/conversations`. A failure
 * gets one short message naming what failed: never a key, a URL or a stack.
 */
import { HttpError, type ModuleContext, type WsSocket } from '../../kernel/index.ts';
import { runChatTurn, type TurnRequest } from '../../lib/chat/index.ts';
import { sendReply } from './reply.ts';
import { botOf, type Job } from './state.ts';
import { countTurn, refusedByQuota } from './usage-limit.ts';

/** What the shared turn is asked for a job: `message` from this chat's user, accounted as the bot's. */
export function turnRequest(job: Job, message: string): TurnRequest {
  const { selfId, groupId, userId } = job;
  return {
    message,
    userId,
    groupId,
    stream: false,
    // Nobody waits on the other end to give up: the upstream's own timeouts bound the turn.
    signal: new AbortController().signal,
    caller: { sub: `qq:${userId}`, groupId },
    source: 'bot',
    conversationSource: { platform: 'qq', selfId, ...(groupId ? { groupId } : {}), userId },
  };
}

/** What the chat hears when the turn fails. */
export function failureText(err: unknown): string {
  if (err instanceof HttpError && err.code === 'CHANNEL_UNAVAILABLE') return '没有可用的 AI 渠道：请主人在管理面板中添加并启用一个渠道。';
  if (!(err instanceof HttpError) || err.code !== 'API_ERROR') return '出错了，没能回答，请稍后再试。';
  const { status, kind } = (err.extra?.details ?? {}) as { status?: unknown; kind?: unknown };
  if (kind === 'timeout') return 'AI 服务响应超时，请稍后再试。';
  if (kind === 'network') return '连接不上 AI 服务，请稍后再试。';
  if (typeof status === 'number' && status > 0) return `AI 服务出错了（上游返回 HTTP ${status}），请稍后再试。`;
  return 'AI 服务出错了，请稍后再试。';
}

/**
 * Runs the turn and replies, unless the group's daily quota is used up (./usage-limit.ts). The reply
 * leaves as soon as the answer is in (the sink's `answer`), while the call is accounted for, the use
 * counted and the conversation stored; the job, and so the chat's next message, still waits for all.
 */
export async function runTurn(ctx: ModuleContext, socket: WsSocket, job: Job): Promise<void> {
  if (await refusedByQuota(ctx, socket, job)) return;
  let replied: Promise<unknown> | undefined;
  let counted: Promise<void> | undefined;
  const reply = (content: string) => {
    const text = content.trim();
    if (!replied && text) replied = sendReply(ctx, socket, job, text).then(() => undefined, (err: unknown) => err);
    // The model answered: one use, counted after the reply is on its way.
    counted ??= countTurn(ctx, job);
  };
  try {
    reply((await runChatTurn(ctx, turnRequest(job, job.text), { answer: reply })).content);
  } catch (err) {
    const code = err instanceof HttpError ? err.code : 'INTERNAL_ERROR';
    const bot = botOf(socket);
    if (bot) bot.counters.errors += 1;
    if (replied) ctx.log.warn(`turn for chat ${job.chat} was answered but not stored (${code})`);
    else {
      ctx.log.warn(`turn for chat ${job.chat} failed (${code}); the chat is told`);
      await sendReply(ctx, socket, job, failureText(err));
      return;
    }
  } finally {
    await counted;
  }
  if (!replied) return ctx.log.debug(`turn for chat ${job.chat} answered no text; nothing sent`);
  const failed = await replied;
  if (failed) throw failed;
}
