/**
 * The group's daily quotas (docs/api.md#group-admin: usage-limit; the counts are lib/group-usage's).
 * A triggered message past a quota makes no upstream call: its sender hears the group's
 * `limitMessage` the first time that day, and nothing after that (a limited user who keeps asking is
 * not answered on every message) until the day changes or the counts are reset. An answered turn
 * counts once, however many model calls its tools took. Both read the counts kept in memory.
 */
import type { ModuleContext, WsSocket } from '../../kernel/index.ts';
import { GROUP_ID_PATTERN, effectiveSettings } from '../../lib/group-settings/index.ts';
import { countUse, limitOf, markNotified, quotaReached, todayUsage } from '../../lib/group-usage/index.ts';
import { sendReply } from './reply.ts';
import type { Job } from './state.ts';

const GROUP_ID = new RegExp(GROUP_ID_PATTERN);

/** The group whose quotas a job's turn counts against; none in a private chat. */
const quotaGroup = (job: Job) => (job.groupId !== undefined && GROUP_ID.test(job.groupId) ? job.groupId : undefined);

/** Whether a quota stops this job's turn; the sender is told when they were not yet today. */
export async function refusedByQuota(ctx: ModuleContext, socket: WsSocket, job: Job): Promise<boolean> {
  const groupId = quotaGroup(job);
  if (!groupId) return false;
  const [{ settings }, usage] = await Promise.all([effectiveSettings(ctx.store, ctx.config, groupId), todayUsage(ctx.store, groupId)]);
  const limit = limitOf(settings);
  if (!quotaReached(usage, limit, job.userId)) return false;
  if (await markNotified(ctx.store, groupId, job.userId)) await sendReply(ctx, socket, job, limit.limitMessage);
  else ctx.log.debug(`chat ${job.chat}: user ${job.userId} is past the group's daily quota and was told so today; not answered`);
  return true;
}

/** Counts an answered turn against its group's quotas; never rejects (a failed count is logged). */
export async function countTurn(ctx: ModuleContext, job: Job): Promise<void> {
  const groupId = quotaGroup(job);
  if (!groupId) return;
  await countUse(ctx.store, groupId, job.userId).catch((err: unknown) => ctx.log.error(`could not count a use of group ${groupId}`, { error: (err as Error).message }));
}
