/**
 * Today's usage of a group, as the original's usage-stats pages show it (docs/api.md#group-admin): one
 * count per answered bot turn in the group, and per user, for the current local day. The onebot module
 * counts them and enforces the quotas; the counts are lib/group-usage's, read and reset here.
 */
import type { ModuleContext, ModuleRouter } from '../../kernel/index.ts';
import { limitOf, resetUsage, todayUsage } from '../../lib/group-usage/index.ts';
import { DEFAULT_SETTINGS, deepMerge } from '../../lib/group-settings/index.ts';
import { groupRoute } from './guard.ts';
import type { GroupService } from './service.ts';

const TOP_USERS = 10;

export function registerUsageRoutes(router: ModuleRouter, ctx: ModuleContext, groups: GroupService): void {
  const group = groupRoute(ctx);

  router.get('/:groupId/usage-stats', ...group("Today's usage of a group: its count, its quotas and its top users (the original's page)", { deprecated: true }), async (c) => {
    const groupId = c.params.groupId;
    const { date, groupCount, users } = await todayUsage(ctx.store, groupId);
    const { dailyGroupLimit, dailyUserLimit } = limitOf(deepMerge(DEFAULT_SETTINGS, await groups.read(groupId)));
    const ranked = Object.entries(users).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    c.body = {
      groupId,
      date,
      groupCount,
      dailyGroupLimit,
      dailyUserLimit,
      // -1: unlimited, as the original says it.
      groupRemaining: dailyGroupLimit > 0 ? Math.max(0, dailyGroupLimit - groupCount) : -1,
      topUsers: ranked.slice(0, TOP_USERS).map(([userId, count]) => ({ userId, count })),
      totalUsers: ranked.length,
    };
  });

  router.post('/:groupId/usage-stats/reset', ...group("Reset a group's usage counts of today (the group's and each user's)", { noBody: true, deprecated: true }), async (c) => {
    await resetUsage(ctx.store, c.params.groupId);
    c.body = { success: true, message: `Today's usage of group ${c.params.groupId} was reset` };
  });
}
