/**
 * Today's usage of a group, as the original's usage-stats pages show it (docs/api.md#group-admin): one
 * count per answered bot chat call in the group, and per user, for the current local day. Counted from
 * the `upstream-call` events the chat engine publishes (source `bot`, kind `chat`, successful); kept in
 * `DATA_DIR/group-usage/<groupId>.json`, whose count starts again at zero each day and on a reset.
 */
import type { KernelEvent, ModuleContext, ModuleRouter, Store } from '../../kernel/index.ts';
import { DEFAULT_SETTINGS, GROUP_ID_PATTERN, deepMerge, type Settings } from '../../lib/group-settings/index.ts';
import { groupRoute } from './guard.ts';
import type { GroupService } from './service.ts';

interface DayUsage {
  date: string;
  groupCount: number;
  users: Record<string, number>;
}

const TOP_USERS = 10;
const GROUP_ID = new RegExp(GROUP_ID_PATTERN);

// Swedish dates are written YYYY-MM-DD: the server's local day, as the stats files count days.
const today = () => new Date().toLocaleDateString('sv-SE');

const usageOf = (store: Store, groupId: string) => store.collection<DayUsage>(`group-usage/${groupId}`, { date: today(), groupCount: 0, users: {} });

/** The stored day's usage, or nothing when it is from another day. */
const current = (usage: DayUsage): DayUsage => (usage.date === today() ? usage : { date: today(), groupCount: 0, users: {} });

/** Counts each answered bot chat call in a group (call at the end of setup: a replaced version hears events until the swap). */
export function countBotUsage(ctx: ModuleContext): void {
  ctx.events.subscribe((event: KernelEvent) => {
    const { type, source, kind, success, groupId, userId } = event;
    if (type !== 'upstream-call' || source !== 'bot' || kind !== 'chat' || success !== true) return;
    if (typeof groupId !== 'string' || !GROUP_ID.test(groupId)) return;
    usageOf(ctx.store, groupId)
      .update((stored) => {
        const day = current(stored);
        // A Map, so that no user id (say `__proto__`) can reach an object's prototype.
        const users = new Map(Object.entries(day.users));
        if (typeof userId === 'string' && userId) users.set(userId, (users.get(userId) ?? 0) + 1);
        Object.assign(stored, { date: day.date, groupCount: day.groupCount + 1, users: Object.fromEntries(users) });
      })
      .catch((err: unknown) => ctx.log.error(`group-admin: could not count a use of group ${groupId}`, { error: (err as Error).message }));
  });
}

export function registerUsageRoutes(router: ModuleRouter, ctx: ModuleContext, groups: GroupService): void {
  const group = groupRoute(ctx);

  router.get('/:groupId/usage-stats', ...group("Today's usage of a group: its count, its quotas and its top users (the original's page)", { deprecated: true }), async (c) => {
    const groupId = c.params.groupId;
    const { date, groupCount, users } = current(await usageOf(ctx.store, groupId).read());
    const limit = deepMerge(DEFAULT_SETTINGS, await groups.read(groupId)).usageLimit as Settings;
    const dailyGroupLimit = limit.dailyGroupLimit as number;
    const ranked = Object.entries(users).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    c.body = {
      groupId,
      date,
      groupCount,
      dailyGroupLimit,
      dailyUserLimit: limit.dailyUserLimit,
      // -1: unlimited, as the original says it.
      groupRemaining: dailyGroupLimit > 0 ? Math.max(0, dailyGroupLimit - groupCount) : -1,
      topUsers: ranked.slice(0, TOP_USERS).map(([userId, count]) => ({ userId, count })),
      totalUsers: ranked.length,
    };
  });

  router.post('/:groupId/usage-stats/reset', ...group("Reset a group's usage counts of today (the group's and each user's)", { noBody: true, deprecated: true }), async (c) => {
    await usageOf(ctx.store, c.params.groupId).write({ date: today(), groupCount: 0, users: {} });
    c.body = { success: true, message: `Today's usage of group ${c.params.groupId} was reset` };
  });
}
