/** What Linux's /proc tells about a process: CPU time and resident memory. */
import { readFile } from 'node:fs/promises';
import { processTree } from '../../../test/support/processes.ts';
import { sum } from './stats.ts';

/** User + system CPU time of a process and all its threads, in ms (clock ticks of 1/100 s, Linux's USER_HZ). */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime and stime are fields 14 and 15 of the line
}

/** Resident set size of a process, in MB. */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb[1]) / 1024;
}

export interface TreeRss {
  /** The process alone, in MB. */
  own: number;
  /** It and every process under it (helpers, their children), in MB. */
  tree: number;
  /** How many processes are under it. */
  helpers: number;
}

/** Resident memory of a process and of the whole tree of processes it started. */
export async function treeRssMb(pid: number): Promise<TreeRss> {
  const [self, ...helpers] = await processTree(pid);
  const own = await rssMb(self.pid);
  // A helper that has just ended (or is a zombie, without VmRSS) holds no memory.
  const theirs = await Promise.all(helpers.map((p) => rssMb(p.pid).catch(() => 0)));
  return { own, tree: own + sum(theirs), helpers: helpers.length };
}
