/**
 * Today's bot usage of each group against its daily quotas (docs/api.md#group-admin: usage-limit,
 * usage-stats). One owner of the counts for the two modules that need them: onebot counts each
 * answered turn and refuses turns past a quota, group-admin shows and resets the counts. They live in
 * `DATA_DIR/group-usage/<groupId>.json` through the kernel's store, whose copy in memory is what a
 * check reads; the count starts again at zero each (server-local) day and on a reset.
 */
import type { Collection, Store } from '../../kernel/index.ts';
import { getPath, type Settings } from '../group-settings/index.ts';

export interface DayUsage {
  date: string;
  groupCount: number;
  users: Record<string, number>;
  /** Users told today that a quota is reached: each is told once a day, not on every message. */
  notified: string[];
}

export interface UsageLimit {
  /** 0: unlimited. */
  dailyGroupLimit: number;
  dailyUserLimit: number;
  limitMessage: string;
}

export const DEFAULT_LIMIT_MESSAGE = 'The daily usage limit of this group has been reached; please try again tomorrow.';

// Swedish dates are written YYYY-MM-DD: the server's local day, as the stats files count days.
const today = () => new Date().toLocaleDateString('sv-SE');

const emptyDay = (): DayUsage => ({ date: today(), groupCount: 0, users: {}, notified: [] });

/**
 * The collections of the groups that counted usage today, held so that the store keeps them in memory
 * (it holds collections only weakly) and a check never reads the file: one small record per group the
 * bot answered in today. A read alone keeps nothing, so asking about any number of groups (a group
 * id is whatever a client names) does not grow it; and the day's change empties it. A cap (LRU) would
 * bound it too, but would send busy groups' checks back to the file once more groups than the cap
 * count in a day, and no figure fits every bot; groups counted in a day are bounded by the bot's own traffic.
 */
const counting = new Map<string, Collection<DayUsage>>();
/** The next local midnight (a timestamp: cheaper to compare on every check than a formatted date). */
const nextMidnight = () => new Date().setHours(24, 0, 0, 0);
let countingUntil = nextMidnight();

/** A group's collection; `counts`: this use writes today's usage, after which the collection is kept. */
function usageOf(store: Store, groupId: string, counts = false): Collection<DayUsage> {
  if (Date.now() >= countingUntil) {
    counting.clear();
    countingUntil = nextMidnight();
  }
  const kept = counting.get(groupId);
  if (kept) return kept;
  const usage = store.collection<DayUsage>(`group-usage/${groupId}`, emptyDay());
  if (counts) counting.set(groupId, usage);
  return usage;
}

/** The stored day's usage, or an empty one when it is from another day. */
const current = (usage: DayUsage): DayUsage => (usage.date === today() ? usage : emptyDay());

/** Today's usage of a group (treat as read-only). */
export async function todayUsage(store: Store, groupId: string): Promise<DayUsage> {
  return current(await usageOf(store, groupId).read());
}

/** A user's count in a day's usage (own keys only: a user id such as `__proto__` is just a name). */
export const userCount = (usage: DayUsage, userId: string): number => (Object.hasOwn(usage.users, userId) ? usage.users[userId] : 0);

/** Counts one answered turn of `userId` in the group. */
export function countUse(store: Store, groupId: string, userId: string): Promise<void> {
  return usageOf(store, groupId, true).update((stored) => {
    const day = current(stored);
    const users = new Map(Object.entries(day.users));
    users.set(userId, (users.get(userId) ?? 0) + 1);
    Object.assign(stored, { date: day.date, groupCount: day.groupCount + 1, users: Object.fromEntries(users), notified: day.notified });
  });
}

/** Notes that `userId` was told a quota is reached; resolves false when they already were today. */
export function markNotified(store: Store, groupId: string, userId: string): Promise<boolean> {
  return usageOf(store, groupId, true).update((stored) => {
    const day = current(stored);
    if (day.notified.includes(userId)) return false;
    Object.assign(stored, { ...day, notified: [...day.notified, userId] });
    return true;
  });
}

/** Starts today's counts of a group again at zero (the group's, each user's, and who was told). */
export function resetUsage(store: Store, groupId: string): Promise<void> {
  return usageOf(store, groupId).write(emptyDay());
}

const quota = (value: unknown) => (typeof value === 'number' && value > 0 ? Math.floor(value) : 0);

/** A group's quotas from its settings (`usageLimit`), the default message filled in. */
export function limitOf(settings: Settings): UsageLimit {
  const message = getPath(settings, 'usageLimit.limitMessage');
  return {
    dailyGroupLimit: quota(getPath(settings, 'usageLimit.dailyGroupLimit')),
    dailyUserLimit: quota(getPath(settings, 'usageLimit.dailyUserLimit')),
    limitMessage: typeof message === 'string' && message.trim() ? message : DEFAULT_LIMIT_MESSAGE,
  };
}

/** Whether a quota leaves `userId` no further turn today. */
export function quotaReached(usage: DayUsage, limit: UsageLimit, userId: string): boolean {
  if (limit.dailyGroupLimit > 0 && usage.groupCount >= limit.dailyGroupLimit) return true;
  return limit.dailyUserLimit > 0 && userCount(usage, userId) >= limit.dailyUserLimit;
}
