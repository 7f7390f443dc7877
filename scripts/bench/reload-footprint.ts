/**
 * Benchmark: what a burst of reloads leaves behind in the whole process tree (docs/architecture.md#benchmarks): RSS
 * growth of the server and every process under it after 300 reloads of a module holding 1 MB,
 * measured 5 s after the last: ≤ 30 MB. The server runs as `npm start` runs it, with every built-in
 * module and the fixture test/fixtures/bench/heavy-state, reloaded through
 * `POST /api/system/modules/heavy-state/reload` back to back. The Node process alone is reported
 * beside the tree, and the tree right after the last reload, before the server has given memory back.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeModulesDir } from '../../test/support/modules.ts';
import { ROOT, type TestServer } from '../../test/support/server.ts';
import { info, runIfMain, target, type Figure } from './support/figures.ts';
import { fixtureText } from './support/fixture.ts';
import { startBenchKernel } from './support/kernel.ts';
import { treeRssMb } from './support/proc.ts';
import { median } from './support/stats.ts';

const MODULE = 'heavy-state';
const RELOADS = 300;
const SETTLE_MS = 5000;
const TARGET_MB = 30;

export async function run(): Promise<Figure[]> {
  const builtIn = (await readdir(path.join(ROOT, 'modules'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  const modules = await makeModulesDir({ real: builtIn });
  let server: TestServer | undefined;
  try {
    await modules.write(`${MODULE}/index.js`, await fixtureText(MODULE));
    server = await startBenchKernel({ modulesDir: modules.dir });
    await sleep(SETTLE_MS);
    const before = await treeRssMb(server.pid());
    const times: number[] = [];
    for (let i = 0; i < RELOADS; i++) {
      const started = performance.now();
      const res = await server.request('POST', `/api/system/modules/${MODULE}/reload`);
      if (res.status !== 200) throw new Error(`reload ${i + 1} of ${MODULE}: ${res.status} ${res.text}`);
      times.push(performance.now() - started);
    }
    const status = ((await server.request('GET', '/api/system/modules')).body.data as Array<{ name: string; status: string; reloads: number }>).find((m) => m.name === MODULE);
    if (status?.status !== 'loaded' || status.reloads !== RELOADS) throw new Error(`module "${MODULE}" is ${status?.status} after ${status?.reloads} reloads`);
    const right = await treeRssMb(server.pid());
    await sleep(SETTLE_MS);
    const after = await treeRssMb(server.pid());
    const versions = (await server.request('GET', `/api/${MODULE}/versions`)).body.data as { loaded: number; alive: number };
    return [
      target(`RSS growth of the process tree after ${RELOADS} reloads of a module holding 1 MB, ${SETTLE_MS / 1000} s after the last`, after.tree - before.tree, 'MB', '≤', TARGET_MB, 1),
      info('same, the Node process alone', after.own - before.own, 'MB', 1),
      info('process tree before the reloads (every built-in module and the 1 MB one loaded)', before.tree, 'MB', 1),
      info(`process tree ${SETTLE_MS / 1000} s after the last reload`, after.tree, 'MB', 1),
      info('process tree right after the last reload', right.tree, 'MB', 1),
      info(`processes under the server ${SETTLE_MS / 1000} s after the last reload`, after.helpers, 'processes', 0),
      info(`old versions whose state is still in the heap then (of ${versions.loaded - 1})`, versions.alive - 1, 'versions', 0),
      info('reload through POST /api/system/modules/:name/reload, median', median(times), 'ms', 1),
    ];
  } finally {
    await server?.stop();
    await modules.cleanup();
  }
}

runIfMain(import.meta.url, run);
