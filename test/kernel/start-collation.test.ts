import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, startServer, type TestServer } from '../support/server.ts';

// ICU's collation, once loaded, stays in the process: about 1.7 MB of the idle server's RSS on Node 24 (docs/architecture.md#benchmarks).
describe('a start with every built-in module uses no ICU collation', () => {
  let s: TestServer;
  let dir: string;
  let probe: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'chatai-collation-'));
    probe = path.join(dir, 'collation.log');
    s = await startServer({ env: { NODE_OPTIONS: `--import ${path.join(ROOT, 'test/fixtures/probes/collation.mjs')}`, COLLATION_PROBE_FILE: probe } });
  });
  after(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('orders modules and routes without localeCompare or Intl.Collator', async () => {
    expect((await s.request('GET', '/api/system/modules')).status).to.equal(200);
    expect(existsSync(probe) ? readFileSync(probe, 'utf8') : '', 'first use of collation').to.equal('');
  });
});
