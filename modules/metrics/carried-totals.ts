/**
 * Totals counted from one type of event on the bus, carried from a version of this module to the
 * next. Counters must only grow, so a version hands its totals over at the swap point: its own
 * `module-loaded`, which the version being replaced hears first, and then no event more. A new
 * version counts from that event on. The statistics module's clear and reset do not touch them.
 */
import type { KernelEvent, ModuleContext } from '../../kernel/index.ts';

const HANDOVER = 'metrics-handover';

/**
 * Keeps, by key, the totals `add` counts from each event of type `eventType` (each a flat object of
 * label values and amounts, copied to the next version); `series` names them in the handover, so
 * that several sets of totals pass side by side.
 */
export function carriedTotals<T extends object>(ctx: ModuleContext, series: string, eventType: string, add: (totals: Map<string, T>, event: KernelEvent) => void): Map<string, T> {
  const totals = new Map<string, T>();
  let phase: 'waiting' | 'live' | 'retired' = 'waiting';
  ctx.events.subscribe((event) => {
    if (event.type === eventType) {
      if (phase === 'live') add(totals, event);
    } else if (event.type === 'module-loaded' && event.name === ctx.name) {
      if (phase === 'waiting') phase = 'live';
      else if (phase === 'live') {
        phase = 'retired';
        ctx.events.publish(HANDOVER, { series, totals: [...totals.entries()] });
      }
    } else if (event.type === HANDOVER && event.series === series && phase === 'waiting') {
      for (const [key, entry] of event.totals as Array<[string, T]>) totals.set(key, { ...entry });
    }
  });
  return totals;
}
