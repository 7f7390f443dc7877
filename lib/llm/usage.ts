/**
 * Usage accounting per channel, model and key, persisted in `channel-usage.json` and bounded
 * (48 hourly buckets, 7 daily buckets, the 100 busiest models, 50 error kinds) so it never grows
 * without limit. The outcome of each call is also written onto the channel's key entry.
 */
import type { Channel } from './channel.ts';
import type { Usage } from './types.ts';

/** The part of the kernel store these files use (structural). */
interface CollectionLike<T> {
  read(): Promise<T>;
  update<R = void>(fn: (data: T) => R | Promise<R>): Promise<R>;
}
export interface StoreLike {
  collection<T>(name: string, defaults: T, options?: { secret?: boolean }): CollectionLike<T>;
}

export interface ChannelsFile {
  channels: Channel[];
}

interface Counter {
  calls: number;
  success: number;
  failed: number;
  tokens: number;
}

export interface ChannelStats {
  totalCalls: number;
  successCalls: number;
  failedCalls: number;
  totalTokens: number;
  promptTokens: number;
  completionTokens: number;
  totalDuration: number;
  lastUsed: number | null;
  switchCount: number;
  modelUsage: Record<string, Counter>;
  keyUsage: Record<string, Counter>;
  errorTypes: Record<string, number>;
  hourlyStats: Record<string, Counter>;
  dailyStats: Record<string, Counter>;
  sources: Record<string, number>;
}

export interface UsageFile {
  channels: Record<string, ChannelStats>;
}

const LIMITS = { hours: 48, days: 7, models: 100, errorTypes: 50 };

/** The stored channels (0600: they hold API keys). */
export const channelsCollection = (store: StoreLike) => store.collection<ChannelsFile>('channels', { channels: [] }, { secret: true });
export const usageCollection = (store: StoreLike) => store.collection<UsageFile>('channel-usage', { channels: {} });

export interface CallRecord {
  channelId: string;
  model: string;
  /** Index in `apiKeys`, -1 for the single `apiKey`. */
  keyIndex: number;
  ok: boolean;
  usage?: Usage;
  durationMs: number;
  /** Short error kind (`http_429`, `timeout`, …) and message when the call failed. */
  errorType?: string;
  errorMessage?: string;
  /** The call's kind (`chat`, `test`, `summary`: see call.ts), counted in `sources`. */
  source: string;
  /** The call came after another channel had failed. */
  switched?: boolean;
}

const counter = (): Counter => ({ calls: 0, success: 0, failed: 0, tokens: 0 });

function bump(map: Record<string, Counter>, key: string, ok: boolean, tokens: number): void {
  const c = (map[key] ??= counter());
  c.calls++;
  if (ok) c.success++;
  else c.failed++;
  c.tokens += tokens;
}

/** Keeps the `limit` entries that sort last by `rank`. */
function trim<V>(map: Record<string, V>, limit: number, rank: (key: string, value: V) => number | string): void {
  const keys = Object.keys(map);
  if (keys.length <= limit) return;
  const sorted = keys.sort((a, b) => {
    const ra = rank(a, map[a]);
    const rb = rank(b, map[b]);
    return ra < rb ? -1 : ra > rb ? 1 : 0;
  });
  for (const key of sorted.slice(0, keys.length - limit)) delete map[key];
}

export function emptyStats(): ChannelStats {
  return {
    totalCalls: 0, successCalls: 0, failedCalls: 0, totalTokens: 0, promptTokens: 0, completionTokens: 0,
    totalDuration: 0, lastUsed: null, switchCount: 0, modelUsage: {}, keyUsage: {}, errorTypes: {},
    hourlyStats: {}, dailyStats: {}, sources: {},
  };
}

function applyToStats(stats: ChannelStats, r: CallRecord, now: number): void {
  const tokens = r.usage?.totalTokens ?? 0;
  stats.totalCalls++;
  if (r.ok) stats.successCalls++;
  else stats.failedCalls++;
  stats.totalTokens += tokens;
  stats.promptTokens += r.usage?.promptTokens ?? 0;
  stats.completionTokens += r.usage?.completionTokens ?? 0;
  stats.totalDuration += Math.max(0, Math.round(r.durationMs));
  stats.lastUsed = now;
  if (r.switched) stats.switchCount++;
  stats.sources[r.source] = (stats.sources[r.source] ?? 0) + 1;
  bump(stats.modelUsage, r.model, r.ok, tokens);
  bump(stats.keyUsage, `key_${r.keyIndex < 0 ? 'main' : r.keyIndex}`, r.ok, tokens);
  const iso = new Date(now).toISOString();
  bump(stats.hourlyStats, iso.slice(0, 13), r.ok, tokens);
  bump(stats.dailyStats, iso.slice(0, 10), r.ok, tokens);
  if (!r.ok && r.errorType) stats.errorTypes[r.errorType] = (stats.errorTypes[r.errorType] ?? 0) + 1;
  trim(stats.hourlyStats, LIMITS.hours, (k) => k);
  trim(stats.dailyStats, LIMITS.days, (k) => k);
  trim(stats.modelUsage, LIMITS.models, (_k, v) => v.calls);
  trim(stats.errorTypes, LIMITS.errorTypes, (_k, v) => v);
}

/** Records one upstream call: usage statistics, and the key's and channel's health on the stored channel. */
export async function recordCall(store: StoreLike, record: CallRecord, now = Date.now()): Promise<void> {
  await Promise.all([
    usageCollection(store).update((data) => {
      applyToStats((data.channels[record.channelId] ??= emptyStats()), record, now);
    }),
    channelsCollection(store).update((data) => {
      const channel = data.channels.find((c) => c.id === record.channelId);
      if (!channel) return;
      const key = record.keyIndex >= 0 ? channel.apiKeys[record.keyIndex] : undefined;
      if (key) {
        key.usageCount = (key.usageCount ?? 0) + 1;
        key.lastUsed = now;
        if (record.ok) key.errorCount = 0;
        else {
          key.errorCount = (key.errorCount ?? 0) + 1;
          key.lastError = record.errorMessage ?? record.errorType ?? 'error';
          key.lastErrorAt = now;
        }
      }
      if (!channel.enabled) return;
      if (record.ok) channel.status = 'active';
      else {
        channel.status = 'error';
        channel.errorCount = (channel.errorCount ?? 0) + 1;
        channel.lastErrorTime = now;
      }
    }),
  ]);
}

/** Stats as the API shows them: stored counters plus derived rates and averages. */
export function describeStats(stats: ChannelStats | undefined): Record<string, unknown> | null {
  if (!stats) return null;
  return {
    ...stats,
    avgDuration: stats.totalCalls ? Math.round(stats.totalDuration / stats.totalCalls) : 0,
    successRate: stats.totalCalls ? Math.round((stats.successCalls / stats.totalCalls) * 1000) / 10 : 0,
    avgTokensPerCall: stats.totalCalls ? Math.round(stats.totalTokens / stats.totalCalls) : 0,
  };
}
