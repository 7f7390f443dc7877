import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually, makeModulesDir, type ModulesDir } from '../support/modules.ts';
import { processTree } from '../support/processes.ts';
import { ROOT, startServer, type TestServer } from '../support/server.ts';

/** docs/architecture.md#benchmarks: save → new version answering, at most. */
const RELOAD_MAX_MS = 300;
/** bundle.ts stops the helper 1 s after the last build; the rest is room for a busy machine. */
const HELPER_STOP_MS = 5000;

describe('footprint after reloads (docs/architecture.md#benchmarks)', () => {
  let s: TestServer;
  let mods: ModulesDir;

  const helpers = async () => (await processTree(s.pid())).slice(1).map((p) => p.name);
  const helperStopped = () => eventually(async () => !(await helpers()).includes('esbuild'), HELPER_STOP_MS, "esbuild's helper process to stop");
  const version = async () => (await s.request('GET', '/api/echo/version')).body?.data?.version;

  before(async () => {
    mods = await makeModulesDir({ fixtures: ['echo'] });
    await mods.write('heavy-state/index.js', await readFile(path.join(ROOT, 'test/fixtures/bench/heavy-state/index.js'), 'utf8'));
    s = await startServer({ modulesDir: mods.dir });
  });
  after(async () => {
    await s?.stop();
    await mods?.cleanup();
  });

  it("stops esbuild's helper process once the builds are done, and serves a later edit within the reload target", async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await helperStopped();
      await mods.write('echo/version.ts', `export const VERSION: string = 'after-stop-${i}';`);
      const saved = performance.now();
      await eventually(async () => (await version()) === `after-stop-${i}`, 3000, `after-stop-${i}`);
      times.push(performance.now() - saved);
    }
    // The fastest of three: on a machine other test runs keep busy, any one save can wait for a core;
    // a restart that always cost more than the target would still show.
    expect(Math.min(...times), `save → served, after the helper stopped: ${times.map(Math.round).join(', ')} ms`).to.be.at.most(RELOAD_MAX_MS);
  });

  it("gives the old versions' memory back once reloads have settled, without waiting for allocation pressure", async () => {
    for (let i = 0; i < 20; i++) expect((await s.request('POST', '/api/system/modules/heavy-state/reload')).status).to.equal(200);
    const versions = async () => (await s.request('GET', '/api/heavy-state/versions')).body.data as { loaded: number; alive: number };
    expect((await versions()).loaded).to.equal(21);
    // Each old version holds 1 MB; an idle server that waits for V8's own next full collection keeps them all.
    await eventually(async () => (await versions()).alive === 1, 5000, 'only the current version alive');
  });
});
