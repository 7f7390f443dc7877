/**
 * Chat commands (docs/bot.md#commands), with `basic.commandPrefix` (default `#ai`): the master's
 * login link (`管理面板`, `管理面板 永久`), a group's admin link (`#群管理面板` and its aliases),
 * ending the sender's conversation (`结束对话`) and the list of commands (`帮助`). A link only ever
 * goes privately, to whom it belongs; a group hears a short note, never the link.
 */
import type { ModuleContext, WsSocket } from '../../kernel/index.ts';
import { conversationIdOf } from '../../lib/chat/index.ts';
import { conversationStore } from '../../lib/conversations/index.ts';
import { loginLink } from './links.ts';
import { chatOf, sendText } from './reply.ts';
import type { Job } from './state.ts';

export type CommandName = 'panel' | 'panel-permanent' | 'group-panel' | 'end' | 'help';

const GROUP_PANEL = new Set(['#群管理面板', '#群管理入口', '#群设置面板']);

/** The command a message's text is, if it is one (the whole text, spaces around it aside). */
export function parseCommand(text: string, prefix: string): CommandName | undefined {
  if (GROUP_PANEL.has(text)) return 'group-panel';
  if (!text.startsWith(prefix)) return undefined;
  const rest = text.slice(prefix.length).trim();
  if (rest === '管理面板') return 'panel';
  if (/^管理面板\s*永久$/.test(rest)) return 'panel-permanent';
  if (rest === '结束对话') return 'end';
  if (rest === '帮助') return 'help';
  return undefined;
}

export const isMaster = (ctx: ModuleContext, userId: string) => (ctx.config.get<unknown[] | undefined>('admin.masterQQ') ?? []).some((id) => String(id) === userId);

function help(prefix: string): string {
  return [
    '可用命令：',
    `${prefix}帮助 — 显示本帮助`,
    `${prefix}结束对话 — 清除你当前的对话上下文`,
    `${prefix}管理面板 — 管理面板登录链接（仅主人，私聊发送；加“永久”获取永久链接）`,
    '#群管理面板 — 本群的群管理登录链接（群主、管理员或主人，私聊发送）',
  ].join('\n');
}

/**
 * Sends a login link to the sender privately; in a group, the group gets a note without it (or,
 * when the private message cannot be sent, a note saying so).
 */
async function sendLink(ctx: ModuleContext, socket: WsSocket, job: Job, link: string, what: string): Promise<void> {
  const privately = { userId: job.userId, groupId: job.groupId };
  try {
    await sendText(ctx, socket, job, privately, `${what}：\n${link}`);
  } catch (err) {
    ctx.log.warn(`the ${job.groupId ? 'group-admin' : 'login'} link could not be sent privately to ${job.userId}: ${(err as Error).message}`);
    if (job.groupId) await sendText(ctx, socket, job, chatOf(job), '无法私聊发送登录链接：请先加机器人为好友，再私聊发送命令。');
    return;
  }
  if (job.groupId) await sendText(ctx, socket, job, chatOf(job), '登录链接已私聊发送，请查收。');
}

export async function runCommand(ctx: ModuleContext, socket: WsSocket, job: Job): Promise<void> {
  const say = (content: string) => sendText(ctx, socket, job, chatOf(job), content);
  const name = job.text as CommandName;
  switch (name) {
    case 'help':
      await say(help(ctx.config.get<string | undefined>('basic.commandPrefix') ?? '#ai'));
      return;
    case 'end': {
      await conversationStore(ctx.store).clear(conversationIdOf(ctx.config, job.userId, job.groupId));
      await say('已结束对话，上下文已清除。');
      return;
    }
    case 'panel':
    case 'panel-permanent': {
      if (!isMaster(ctx, job.userId)) {
        await say('只有主人可以获取管理面板链接。');
        return;
      }
      const permanent = name === 'panel-permanent';
      const link = await loginLink(ctx, { permanent });
      await sendLink(ctx, socket, job, link, permanent ? '管理面板永久登录链接（轮换前一直有效，请勿外传）' : '管理面板登录链接（5 分钟内有效，仅可使用一次）');
      return;
    }
    case 'group-panel': {
      if (!job.groupId) {
        await say('请在要管理的群里发送此命令。');
        return;
      }
      if (job.senderRole !== 'owner' && job.senderRole !== 'admin' && !isMaster(ctx, job.userId)) {
        await say('只有群主、群管理员或主人可以获取群管理链接。');
        return;
      }
      const link = await loginLink(ctx, { groupId: job.groupId });
      await sendLink(ctx, socket, job, link, `群 ${job.groupId} 的群管理登录链接（5 分钟内有效，仅可使用一次）`);
      return;
    }
    default:
      ctx.log.debug(`unknown command "${job.text}" skipped`);
  }
}
