/**
 * Benchmarks of hot reload through the real server (docs/architecture.md#benchmarks):
 * - save of a module file → the new version answering: median ≤ 100 ms, max ≤ 300 ms over 30 saves;
 * - requests failed while the module is reloaded 100 times under a steady load on its route and on
 *   another module's route: 0.
 * Beside them, saves that come after esbuild's helper process has been stopped for idleness (the
 * build starts it again): what that restart adds to a reload.
 * The fixture (test/fixtures/bench/reload-probe) answers the value written into it; the bench polls
 * its route back to back until the new value comes back.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestServer } from '../../test/support/server.ts';
import { eventually, makeModulesDir, type ModulesDir } from '../../test/support/modules.ts';
import { processTree } from '../../test/support/processes.ts';
import { info, runIfMain, target, type Figure } from './support/figures.ts';
import { fixtureText } from './support/fixture.ts';
import { startBenchKernel } from './support/kernel.ts';
import { startLoad } from './support/load.ts';
import { max, median } from './support/stats.ts';

const MODULE = 'reload-probe';
const ROUTE = `/api/${MODULE}/value`;
const IDLE_SAVES = 30;
const COLD_SAVES = 5;
const LOADED_SAVES = 100;
/** Pause between saves, so that two saves never fall into one debounce window. */
const GAP_MS = 60;
const SAVE_TIMEOUT_MS = 5000;
const LOAD_CONNECTIONS = 4;

class Probe {
  /** Poll requests that failed (non-200 or no answer). */
  failed = 0;

  constructor(
    private readonly server: TestServer,
    private readonly modules: ModulesDir,
  ) {}

  async save(value: string): Promise<void> {
    await this.modules.write(`${MODULE}/index.js`, await fixtureText(MODULE, { VALUE: value }));
  }

  /** Milliseconds from the end of the save until the route answers `value` (SAVE_TIMEOUT_MS if never). */
  async saveAndWait(value: string): Promise<number> {
    await this.save(value);
    const saved = performance.now();
    while (performance.now() - saved < SAVE_TIMEOUT_MS) {
      try {
        const res = await this.server.request('GET', ROUTE);
        if (res.status !== 200) this.failed += 1;
        else if (res.body?.data?.value === value) return performance.now() - saved;
      } catch {
        this.failed += 1;
      }
    }
    return SAVE_TIMEOUT_MS;
  }

  async reloads(): Promise<number> {
    const res = await this.server.request('GET', '/api/system/modules');
    return (res.body.data as Array<{ name: string; reloads: number }>).find((m) => m.name === MODULE)?.reloads ?? 0;
  }
}

/** Times saves each made once the server has no esbuild helper process running. */
async function timeColdSaves(server: TestServer, probe: Probe, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    await eventually(async () => !(await processTree(server.pid())).some((p) => p.name === 'esbuild'), 10_000, "esbuild's helper to stop");
    times.push(await probe.saveAndWait(`cold-${i}`));
  }
  return times;
}

async function timeSaves(probe: Probe, count: number, tag: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    await sleep(GAP_MS);
    times.push(await probe.saveAndWait(`${tag}-${i}`));
  }
  return times;
}

export async function run(): Promise<Figure[]> {
  const modules = await makeModulesDir({ real: ['auth', 'system'] });
  let server: TestServer | undefined;
  try {
    await modules.write(`${MODULE}/index.js`, await fixtureText(MODULE, { VALUE: 'start' }));
    server = await startBenchKernel({ modulesDir: modules.dir });
    const probe = new Probe(server, modules);
    if ((await server.request('GET', ROUTE)).body?.data?.value !== 'start') throw new Error(`${ROUTE} does not answer the fixture's value`);

    const idle = await timeSaves(probe, IDLE_SAVES, 'idle');
    const cold = await timeColdSaves(server, probe, COLD_SAVES);
    const idleFailed = probe.failed;

    const reloadsBefore = await probe.reloads();
    const headers = { authorization: `Bearer ${server.token}` };
    const loads = [startLoad(server.url + ROUTE, LOAD_CONNECTIONS, headers), startLoad(`${server.url}/api/system/status`, LOAD_CONNECTIONS, headers)];
    probe.failed = 0;
    const loaded = await timeSaves(probe, LOADED_SAVES, 'load');
    const [onModule, onOther] = await Promise.all(loads.map((l) => l.stop()));
    const reloadsDuringLoad = (await probe.reloads()) - reloadsBefore;
    const failedUnderLoad = onModule.failed + onOther.failed + probe.failed;

    return [
      target(`save of a module file → new version answering, median of ${IDLE_SAVES}`, median(idle), 'ms', '≤', 100, 1),
      target(`save of a module file → new version answering, max of ${IDLE_SAVES}`, max(idle), 'ms', '≤', 300, 1),
      info(`same, each save made after esbuild's helper was stopped (the build restarts it), median of ${COLD_SAVES}`, median(cold), 'ms', 1),
      info(`same, max of ${COLD_SAVES}`, max(cold), 'ms', 1),
      info('requests that failed while polling for the new version (idle)', idleFailed, 'requests', 0),
      target(`requests failed while the module is reloaded ${LOADED_SAVES} times under load`, failedUnderLoad, 'requests', '=', 0, 0),
      info('requests sent during those reloads (module route + /api/system/status)', onModule.requests + onOther.requests, 'requests', 0),
      target('reloads the kernel counted during the load phase', reloadsDuringLoad, 'reloads', '≥', LOADED_SAVES, 0),
      info(`save → new version answering under load, median of ${LOADED_SAVES}`, median(loaded), 'ms', 1),
      info(`save → new version answering under load, max of ${LOADED_SAVES}`, max(loaded), 'ms', 1),
    ];
  } finally {
    await server?.stop();
    await modules.cleanup();
  }
}

runIfMain(import.meta.url, run);
