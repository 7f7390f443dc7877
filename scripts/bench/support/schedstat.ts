/** How much of a thread's time went running and how much waiting for a CPU, from Linux's /proc. */
import { readFile } from 'node:fs/promises';

export interface SchedTimes {
  /** On a CPU, in ms. */
  running: number;
  /** Runnable but waiting for a CPU (other processes had them), in ms. */
  waiting: number;
}

/** The scheduler's totals for the main thread of process `pid` (`/proc/<pid>/task/<pid>/schedstat`, in ns). */
export async function schedTimes(pid: number): Promise<SchedTimes> {
  const [running, waiting] = (await readFile(`/proc/${pid}/task/${pid}/schedstat`, 'utf8')).trim().split(' ').map(Number);
  return { running: running / 1e6, waiting: waiting / 1e6 };
}

/** What a thread did between two readings. */
export const schedSince = (before: SchedTimes, after: SchedTimes): SchedTimes => ({ running: after.running - before.running, waiting: after.waiting - before.waiting });
