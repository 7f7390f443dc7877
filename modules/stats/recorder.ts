/**
 * The recorder: hears `upstream-call` and `tool-executed` on the bus and keeps each as a record in
 * its day log; flushes every `stats.flushIntervalSeconds` (5 by default) and when the version is
 * disposed; deletes the days that `stats.retentionDays` no longer keeps (at start, at the first
 * flush of a new day, and when the setting changes).
 */
import type { ModuleContext } from '../../kernel/index.ts';
import { DayLog } from './day-log.ts';
import { dayOf, lastDays } from './days.ts';
import { windowOf, type Window } from './reports.ts';
import type { Table } from './table.ts';
import { toolRollup, toToolCallRecord, type ToolCallRecord } from './tool-calls.ts';
import { toUsageRecord, usageRollup, type UsageRecord } from './usage.ts';

export interface Recorder {
  usage: DayLog<UsageRecord, Table>;
  tools: DayLog<ToolCallRecord, Table>;
  retentionDays(): number;
  /** The days `?days=` asks for, within those kept. */
  window(days?: number): Window;
}

export function startRecorder(ctx: ModuleContext): Recorder {
  const usage = new DayLog(ctx.store, 'stats/usage', usageRollup, ctx.log);
  const tools = new DayLog(ctx.store, 'stats/tool-calls', toolRollup, ctx.log);
  const retentionDays = () => ctx.config.get<number>('stats.retentionDays');
  const keepFrom = () => lastDays(retentionDays())[0];
  const prune = () => Promise.all([usage.prune(keepFrom()), tools.prune(keepFrom())]);

  // Not awaited: reading records written without checkpoints (a first start on seeded files) can
  // take seconds, and every query and flush waits for it in its log's queue anyway.
  Promise.all([usage.load(keepFrom()), tools.load(keepFrom())]).catch((err) => ctx.log.error('stats: could not read the records', { error: (err as Error).message }));
  // At the end of setup (nothing is awaited after it): a version replacing another must not hear
  // events before the swap, which follows at once, as the old one hears them until then; the old
  // one's last flush reaches this one through the files (see day-log.ts).
  ctx.events.subscribe((event) => {
    if (event.type === 'upstream-call') usage.add(toUsageRecord(event));
    else if (event.type === 'tool-executed') tools.add(toToolCallRecord(event));
  });

  let prunedOn = dayOf(Date.now());
  const flush = async () => {
    try {
      if (dayOf(Date.now()) !== prunedOn) {
        prunedOn = dayOf(Date.now());
        await prune();
      }
      await Promise.all([usage.flush(), tools.flush()]);
    } catch (err) {
      ctx.log.error('stats: could not write the records', { error: (err as Error).message });
    }
  };
  let timer: NodeJS.Timeout;
  const schedule = () => {
    timer = ctx.setTimeout(() => void flush().then(schedule), ctx.config.get<number>('stats.flushIntervalSeconds') * 1000);
  };
  schedule();
  ctx.config.onChange((paths) => {
    const touched = (key: string) => paths.some((p) => p === 'stats' || p === `stats.${key}`);
    if (touched('flushIntervalSeconds')) {
      clearTimeout(timer);
      schedule();
    }
    if (touched('retentionDays')) void prune().catch((err) => ctx.log.error('stats: could not delete old records', { error: (err as Error).message }));
  });
  ctx.onDispose(async () => {
    await Promise.all([usage.close(), tools.close()]);
  });

  return { usage, tools, retentionDays, window: (days) => windowOf(days, retentionDays()) };
}
