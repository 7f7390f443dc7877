/** The processes a server has started, read from Linux's /proc: its children, their children, and so on. */
import { readFile, readdir } from 'node:fs/promises';

export interface ProcessEntry {
  pid: number;
  /** The command name the kernel shows (`comm`: `node`, `esbuild`, …). */
  name: string;
}

/** `pid` itself, then every process below it; a process that ends while this reads is left out. */
export async function processTree(pid: number): Promise<ProcessEntry[]> {
  const children = new Map<number, ProcessEntry[]>();
  const names = new Map<number, string>();
  for (const dir of await readdir('/proc')) {
    if (!/^\d+$/.test(dir)) continue;
    const stat = await readFile(`/proc/${dir}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const entry = { pid: Number(dir), name };
    names.set(entry.pid, name);
    children.set(ppid, [...(children.get(ppid) ?? []), entry]);
  }
  const tree: ProcessEntry[] = [{ pid, name: names.get(pid) ?? '?' }];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i].pid) ?? []));
  return tree;
}
