/**
 * Notices the bot answers (docs/bot.md#notices): a poke at the bot, a member joining
 * (`group_increase`) and leaving (`group_decrease`). Each answers when its feature is on
 * (`features.poke|welcome|goodbye.enabled`) and the group's event settings (docs/api.md#group-admin `events`)
 * let it, at the event's `probability`: the configured `message`, or a short model-written one
 * through the shared turn when `useAI` is set.
 */
import type { ModuleContext, WsSocket } from '../../kernel/index.ts';
import { runChatTurn } from '../../lib/chat/index.ts';
import { effectiveSettings, getPath } from '../../lib/group-settings/index.ts';
import type { LiveBot } from './bots.ts';
import type { EventContext } from './frames.ts';
import { turnRequest } from './turn.ts';
import { at } from './segments.ts';
import { sendReply } from './reply.ts';
import type { Job } from './state.ts';

type NoticeKind = 'poke' | 'welcome' | 'goodbye';

const DEFAULT_TEXT: Record<NoticeKind, (userId: string) => string> = {
  poke: () => '别戳啦～',
  welcome: () => '欢迎新朋友！',
  goodbye: (userId) => `成员 ${userId} 离开了本群。`,
};

const DEFAULT_PROMPT: Record<NoticeKind, (userId: string) => string> = {
  poke: (userId) => `QQ ${userId} 戳了你一下，请用一句俏皮的话回应。`,
  welcome: (userId) => `QQ ${userId} 刚加入了群聊，请用一两句话热情地欢迎 TA。`,
  goodbye: (userId) => `QQ ${userId} 离开了群聊，请用一句话道别。`,
};

const idOf = (value: unknown) => (typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : undefined);

/** Which answerable notice an event is, if any (never one about the bot itself). */
function kindOf(event: Record<string, unknown>, selfId: string): NoticeKind | undefined {
  const userId = idOf(event.user_id);
  if (!userId || userId === selfId) return undefined;
  if (event.notice_type === 'notify' && event.sub_type === 'poke') return idOf(event.target_id) === selfId ? 'poke' : undefined;
  if (event.notice_type === 'group_increase') return 'welcome';
  if (event.notice_type === 'group_decrease' && event.sub_type !== 'kick_me') return 'goodbye';
  return undefined;
}

/** Queues the answer to a notice when its feature and the group's settings ask for one. */
export async function onNotice({ ctx, scheduler, snapshot }: EventContext, { bot }: LiveBot, event: Record<string, unknown>): Promise<void> {
  const selfId = bot.selfId!;
  const kind = kindOf(event, selfId);
  if (!kind) return;
  if (ctx.config.get(`features.${kind}.enabled`) !== true) return;
  const groupId = idOf(event.group_id);
  const userId = idOf(event.user_id)!;
  const settings = await snapshot.settings(groupId);
  if (getPath(settings, 'events.enabled') === false || getPath(settings, `events.${kind}.enabled`) === false) return;
  const probability = Number(getPath(settings, `events.${kind}.probability`) ?? 1);
  if (Math.random() >= probability) return;
  const job: Job = { chat: `${selfId}:${groupId ? `g${groupId}` : `u${userId}`}`, queuedAt: Date.now(), kind: 'notice', selfId, groupId, userId, text: kind };
  bot.counters.triggered += 1;
  scheduler.enqueue(bot, job);
}

/** Answers a queued notice. */
export async function runNotice(ctx: ModuleContext, socket: WsSocket, job: Job): Promise<void> {
  const kind = job.text as NoticeKind;
  const { settings } = await effectiveSettings(ctx.store, ctx.config, job.groupId);
  const event = (key: string) => getPath(settings, `events.${kind}.${key}`);
  let content = typeof event('message') === 'string' && event('message') ? String(event('message')) : DEFAULT_TEXT[kind](job.userId);
  if (event('useAI') === true) {
    const prompt = typeof event('prompt') === 'string' && event('prompt') ? String(event('prompt')) : DEFAULT_PROMPT[kind](job.userId);
    try {
      content = (await runChatTurn(ctx, turnRequest(job, prompt))).content.trim() || content;
    } catch (err) {
      ctx.log.warn(`the model-written ${kind} message failed (${(err as Error).message}); the configured text goes instead`);
    }
  }
  const before = kind === 'welcome' && job.groupId ? [at(job.userId)] : [];
  await sendReply(ctx, socket, job, before.length ? ` ${content}` : content, { quote: false, before });
}
