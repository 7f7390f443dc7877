import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { callTool } from './harness.ts';

describe('the tool call log across a reload of the tools module', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ modules: { real: ['auth', 'system', 'tools'], fixtures: ['held-tool'] } });
  });
  after(async () => {
    await s?.stop();
    await s?.modules?.cleanup();
  });

  const recorded = async () => ((await s.request('GET', '/api/tools/logs?limit=100')).body.data.logs as Array<{ toolName: string }>).filter((l) => l.toolName === 'held_call');

  it('records a call that was running while the module reloaded once', async () => {
    let settled = false;
    const call = callTool(s, 'held_call', { ms: 2000 }).finally(() => (settled = true));
    await eventually(() => readFile(path.join(s.dataDir, 'held-tool.log'), 'utf8').catch(() => ''), 3000, 'the call to start');
    const reload = await s.request('POST', '/api/system/modules/tools/reload');
    expect(reload.status, reload.text).to.equal(200);
    expect(settled, 'the call was still running on the old version').to.equal(false);

    const { res, value } = await call;
    expect(res.status, res.text).to.equal(200);
    expect(value).to.deep.equal({ waited: 2000 });
    await eventually(async () => (await recorded()).length > 0, 3000, 'the record');
    // The old version, draining while the call ran, would have added its own record by now.
    await new Promise((r) => setTimeout(r, 300));
    expect(await recorded()).to.have.length(1);
  });
});
