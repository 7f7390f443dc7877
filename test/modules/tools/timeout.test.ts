import { expect } from 'chai';
import { startServer, type TestServer } from '../../support/server.ts';

describe('tool call time limit', () => {
  let s: TestServer;
  before(async () => {
    // `slow-tool` registers `never_settles` with timeoutMs 300.
    s = await startServer({ modules: { real: ['auth', 'system', 'tools'], fixtures: ['slow-tool'] } });
  });
  after(async () => {
    await s?.stop();
  });

  for (const [path, body] of [
    ['/api/tools/call', { name: 'never_settles' }],
    ['/api/tools/test', { toolName: 'never_settles' }],
    ['/api/tools/never_settles/execute', { args: {} }],
  ] as const) {
    it(`POST ${path}: a tool whose promise never settles answers 504 TOOL_TIMEOUT at its limit`, async () => {
      const started = Date.now();
      const res = await s.request('POST', path, { body, signal: AbortSignal.timeout(10_000) });
      const took = Date.now() - started;
      expect(res.status, res.text).to.equal(504);
      expect(res.body).to.include({ success: false, code: 'TOOL_TIMEOUT' });
      expect(res.body.error).to.include('300 ms');
      expect(took).to.be.within(290, 3000);
    });
  }

  it('aborts the signal the tool was given, with the timeout as its reason', async () => {
    const res = await s.request('POST', '/api/tools/call', { body: { name: 'last_abort' } });
    expect(JSON.parse(res.body.data.result.content[0].text)).to.deep.equal({ lastAbort: 'TOOL_TIMEOUT' });
  });

  it('records the timed-out call in the call log as an error', async () => {
    const logs = (await s.request('GET', '/api/tools/logs?toolName=never_settles')).body.data.logs;
    expect(logs).to.have.length(3);
    for (const entry of logs) {
      expect(entry).to.include({ success: false, response: null });
      expect(entry.error).to.match(/did not finish within 300 ms/);
    }
  });
});
