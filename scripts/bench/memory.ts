/**
 * Benchmark: heap growth after 500 reloads of a module holding 1 MB of state (≤ 20 MB, docs/architecture.md#benchmarks),
 * and how many of the old versions are still alive after a full GC (WeakRefs the fixture hands out
 * on `globalThis.__benchRefs`). The heap must be the server's, so the kernel runs in this process.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { readSettings } from '../../kernel/env.ts';
import { collectGarbage } from '../../kernel/gc.ts';
import { startKernel } from '../../kernel/server.ts';
import { info, runIfMain, target, type Figure } from './support/figures.ts';
import { fixtureText } from './support/fixture.ts';
import { median } from './support/stats.ts';

const MODULE = 'heavy-state';
const RELOADS = 500;
const TARGET_MB = 20;
const MB = 1024 * 1024;

declare global {
  var __benchRefs: WeakRef<object>[] | undefined;
}

/** Heap used after collecting everything collectable (WeakRef targets survive until the current job ends). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    await sleep(20);
    collectGarbage();
  }
  return process.memoryUsage().heapUsed;
}

export async function run(): Promise<Figure[]> {
  const root = await mkdtemp(path.join(tmpdir(), 'bench-memory-'));
  const modulesDir = path.join(root, 'modules');
  await mkdir(path.join(modulesDir, MODULE), { recursive: true });
  await writeFile(path.join(modulesDir, MODULE, 'index.js'), await fixtureText(MODULE));
  globalThis.__benchRefs = [];
  const kernel = await startKernel({
    ...readSettings({ LOG_LEVEL: 'warn' }),
    port: 0,
    host: '127.0.0.1',
    dataDir: path.join(root, 'data'),
    pluginsFile: path.join(root, 'plugins.json'),
    modulesDir,
  });
  try {
    if (globalThis.__benchRefs.length !== 1) throw new Error(`the fixture module did not load (${globalThis.__benchRefs.length} versions)`);
    const before = await settledHeap();
    const times: number[] = [];
    for (let i = 0; i < RELOADS; i++) {
      const started = performance.now();
      if (!(await kernel.table.reload(MODULE))) throw new Error(`kernel.table.reload("${MODULE}") found no module`);
      times.push(performance.now() - started);
    }
    const failed = kernel.table.list().find((m) => m.name === MODULE);
    if (failed?.status !== 'loaded') throw new Error(`module "${MODULE}" is ${failed?.status}: ${failed?.error}`);
    const after = await settledHeap();
    const refs = globalThis.__benchRefs;
    const old = refs.slice(0, -1);
    const alive = old.filter((ref) => ref.deref() !== undefined).length;
    return [
      target(`heap growth after ${RELOADS} reloads of a module holding 1 MB`, (after - before) / MB, 'MB', '≤', TARGET_MB, 1),
      target(`old versions still alive after gc() (of ${old.length})`, alive, 'versions', '=', 0, 0),
      info('heap used before the reloads', before / MB, 'MB', 1),
      info('reload through kernel.table.reload(), median', median(times), 'ms', 1),
    ];
  } finally {
    await kernel.stop();
    globalThis.__benchRefs = undefined;
    await rm(root, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
