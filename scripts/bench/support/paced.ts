/** Offering messages at a steady rate. */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Paced {
  /** Messages sent. */
  sent: number;
  /** From the first send to the last, in seconds. */
  seconds: number;
}

/** At most this many sends between two turns of the event loop: what else the process does (an upstream, the replies' timing) waits no longer than one batch. */
const MAX_BATCH = 20;

/**
 * Calls `send(0)`, `send(1)`, … at `perSecond`, until `total` are sent or `stop()` says so. Each
 * millisecond or so, the ones that have come due go out together (in order, at most MAX_BATCH); a
 * batch's sends are awaited before the next, so a receiver that pushes back (TCP) or a sender short
 * of CPU shows as a lower achieved rate.
 */
export async function sendPaced(perSecond: number, send: (i: number) => Promise<unknown>, until: { total?: number; stop?: () => boolean }): Promise<Paced> {
  const total = until.total ?? Infinity;
  const started = performance.now();
  let sent = 0;
  const dueNow = () => Math.min(total, Math.floor(((performance.now() - started) * perSecond) / 1000) + 1);
  while (sent < total && !until.stop?.()) {
    const batch: Array<Promise<unknown>> = [];
    for (const end = Math.min(dueNow(), sent + MAX_BATCH); sent < end; sent++) batch.push(send(sent));
    await Promise.all(batch);
    // Behind time, only let I/O in before the next batch; on time, wait for the next millisecond.
    if (sent < dueNow()) await new Promise(setImmediate);
    else await sleep(1);
  }
  return { sent, seconds: (performance.now() - started) / 1000 };
}
