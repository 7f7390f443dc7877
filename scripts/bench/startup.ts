/**
 * Benchmarks of a server start (docs/architecture.md#benchmarks), with every built-in module loaded:
 * - `npm start` → first 200 from `GET /api/system/health`: ≤ 1.5 s. The bench spawns exactly the
 *   command `npm start` runs (scripts.start in package.json) and polls the health route from the
 *   moment of the spawn; the median of several starts is the figure. One start through npm itself
 *   is reported beside it, for the time npm adds.
 * - idle RSS of the whole process tree once it has settled: ≤ 80 MB, the server and every process
 *   under it (esbuild's helper, if it still ran), VmRSS from /proc/<pid>/status; the server alone beside it.
 * On a busy machine the wall-clock time says little; the CPU time the server used until then is
 * reported beside it. Linux only (/proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../../test/support/server.ts';
import { info, runIfMain, target, type Figure } from './support/figures.ts';
import { cpuMs, treeRssMb, type TreeRss } from './support/proc.ts';
import { max, median } from './support/stats.ts';

const STARTS = 3;
const SETTLE_MS = 5000;
const POLL_MS = 5;
const START_TIMEOUT_MS = 90_000; // generous: on a shared, busy machine a start has taken 30 s

/** The command `npm start` runs, with `node` resolved to this node binary. */
function startCommand(): string[] {
  const script: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const [bin, ...args] = script.trim().split(/\s+/);
  if (bin !== 'node') throw new Error(`scripts.start does not start with "node": ${script}`);
  return [process.execPath, ...args];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  port: number;
  /** Milliseconds from the spawn to the first 200 from the health route. */
  ms: number;
  /** CPU milliseconds the spawned process had used by then: unlike `ms`, barely moved by other load on the machine. */
  cpuMs: number;
  health: { checks?: { modules?: { loaded?: number; failed?: string[] } } };
}

/** Spawns `command` with the given data dir on a free port and polls health until it answers 200. */
async function start(command: string[], dataDir: string, opts: { detached?: boolean } = {}): Promise<Started> {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PLUGINS_FILE: path.join(dataDir, 'plugins.none.json'), // no plugins.json: every module in modules/ is enabled
    MODULES_DIR: path.join(ROOT, 'modules'),
  };
  const spawned = performance.now();
  const child = spawn(command[0], command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/api/system/health`;
  while (performance.now() - spawned < START_TIMEOUT_MS) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(url);
      const body = await res.json().catch(() => ({}));
      if (res.status === 200) {
        const ms = performance.now() - spawned;
        return { child, port, ms, cpuMs: await cpuMs(child.pid!), health: body.data ?? {} };
      }
    } catch {
      /* not listening yet */
    }
    await sleep(POLL_MS);
  }
  await stop({ child, port, ms: 0, cpuMs: 0, health: {} }, opts);
  throw new Error(`${command.join(' ')} gave no 200 from ${url} within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
}

/** SIGTERM (to the whole process group when detached), then wait until it has exited and the port is free. */
async function stop(started: Started, opts: { detached?: boolean } = {}): Promise<void> {
  const { child, port } = started;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((ok) => child.once('exit', ok));
    if (opts.detached) process.kill(-child.pid!, 'SIGTERM');
    else child.kill('SIGTERM');
    const force = setTimeout(() => (opts.detached ? process.kill(-child.pid!, 'SIGKILL') : child.kill('SIGKILL')), 10_000);
    await exited;
    clearTimeout(force);
  }
  for (let i = 0; i < 100; i++) {
    const answered = await fetch(`http://127.0.0.1:${port}/api/system/health`).then(() => true, () => false);
    if (!answered) return;
    await sleep(50);
  }
}

/** One start through npm itself; null when npm is not on PATH. */
async function startThroughNpm(dataDir: string): Promise<number | null> {
  try {
    const started = await start(['npm', 'start', '--silent'], dataDir, { detached: true });
    await stop(started, { detached: true });
    return started.ms;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function run(): Promise<Figure[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-startup-'));
  const command = startCommand();
  try {
    // The first start creates the data dir's secrets and warms tsx's compile cache; it also gives the idle RSS.
    const first = await start(command, dataDir);
    let rss: TreeRss;
    try {
      await sleep(SETTLE_MS);
      rss = await treeRssMb(first.child.pid!);
    } finally {
      await stop(first);
    }
    const modules = first.health.checks?.modules ?? {};
    if (modules.failed?.length) console.error(`startup bench: modules that failed to load: ${modules.failed.join(', ')}`);

    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const started = await start(command, dataDir);
      times.push(started.ms);
      cpu.push(started.cpuMs);
      await stop(started);
    }
    const npmMs = await startThroughNpm(dataDir);
    return [
      target(`idle RSS of the process tree ${SETTLE_MS / 1000} s after start, every built-in module loaded`, rss.tree, 'MB', '≤', 80, 1),
      info('same, the Node process alone', rss.own, 'MB', 1),
      info('processes under it at that moment', rss.helpers, 'processes', 0),
      info('modules loaded at that moment', modules.loaded ?? 0, 'modules', 0),
      info('modules that failed to load', modules.failed?.length ?? 0, 'modules', 0),
      target(`\`${command.slice(1).join(' ')}\` → first 200 from /api/system/health, median of ${STARTS}`, median(times), 'ms', '≤', 1500, 0),
      info(`same, max of ${STARTS}`, max(times), 'ms', 0),
      info('server CPU time used by that first 200, median (without esbuild\'s helper process)', median(cpu), 'ms', 0),
      info('same, first start on an empty data dir', first.ms, 'ms', 0),
      ...(npmMs === null ? [] : [info('same through `npm start` itself (npm adds its own start)', npmMs, 'ms', 0)]),
    ];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
