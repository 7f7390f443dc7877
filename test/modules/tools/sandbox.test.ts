import { expect } from 'chai';
import type { TestServer } from '../../support/server.ts';
import { callTool, startToolsKernel } from './harness.ts';

/** Keeps 256 MB of JS arrays alive: four times a tool worker's heap limit. */
const HOG = 'const keep = []; for (let i = 0; i < 64; i++) keep.push(new Array(512 * 1024).fill(i + 0.5)); return keep.length;';

describe('custom and JS tools run in a worker, within their limits', () => {
  let s: TestServer;
  before(async () => {
    s = await startToolsKernel({ extra: ['system'] });
  });
  after(async () => {
    await s?.stop();
  });

  const createCustom = async (name: string, handler: string) => {
    const res = await s.request('POST', '/api/tools/custom', { body: { name, handler, parameters: { type: 'object' } } });
    expect(res.status, res.text).to.equal(201);
  };
  const putJs = async (name: string, source: string) => {
    const res = await s.request('PUT', `/api/tools/js/${name}`, { body: { source } });
    expect(res.status, res.text).to.equal(200);
  };

  /** Sends `GET /api/system/health` every 50 ms until `pending` settles; expects each answer within 500 ms. */
  const healthQuickWhile = async (pending: Promise<unknown>) => {
    let settled = false;
    void pending.finally(() => (settled = true)).catch(() => undefined);
    const times: number[] = [];
    while (!settled) {
      const started = performance.now();
      const res = await s.request('GET', '/api/system/health', { token: null, signal: AbortSignal.timeout(10_000) });
      times.push(performance.now() - started);
      expect(res.status).to.equal(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(Math.max(...times), 'slowest health answer, ms').to.be.below(500);
    expect(times.length, 'health probes while the tool ran').to.be.at.least(3);
  };

  it("gives a custom handler no way to the server's process through the objects it gets", async () => {
    await createCustom('escape_tries', `return [
      args.constructor.constructor('return typeof process')(),
      args.list.constructor.constructor('return typeof require')(),
      context.constructor.constructor('return typeof process')(),
      (() => {}).constructor('return typeof process')(),
      Object.getPrototypeOf(args).constructor.constructor('return typeof setTimeout')(),
    ].join(',');`);
    const { res } = await callTool(s, 'escape_tries', { list: [1] });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.result.content[0].text).to.equal('undefined,undefined,undefined,undefined,undefined');
    await createCustom('steal_process', 'return Object.keys(args.constructor.constructor("return process")().env).length;');
    const stolen = await callTool(s, 'steal_process', {});
    expect(stolen.res.status).to.equal(500);
    expect(stolen.res.body.error).to.include('process is not defined');
  });

  it('stops a custom handler that loops, while health answers quickly', async () => {
    // The loop the probe found: a busy timer callback scheduled through an escaped constructor, then a loop.
    await createCustom('spin_escape', `
      try { args.constructor.constructor('return setTimeout')()(() => { const end = Date.now() + 3000; while (Date.now() < end) {} }, 0); } catch {}
      while (true) {}`);
    const started = Date.now();
    const call = callTool(s, 'spin_escape', {});
    await healthQuickWhile(call);
    const { res } = await call;
    expect(res.status).to.equal(500);
    expect(res.body.code).to.equal('EXECUTION_ERROR');
    expect(Date.now() - started).to.be.below(3000);
  });

  it('stops a JS tool that loops at its timeoutMs (504), health answering meanwhile, and the next call works', async () => {
    await putJs('spin_js', 'export default { name: "spin_js", timeoutMs: 1000, run() { while (true) {} } };');
    await putJs('echo_js', 'export default { name: "echo_js", run(args) { return { echo: args.text }; } };');
    const started = Date.now();
    const call = callTool(s, 'spin_js', {});
    await healthQuickWhile(call);
    const { res } = await call;
    expect(res.status, res.text).to.equal(504);
    expect(res.body.code).to.equal('TOOL_TIMEOUT');
    expect(Date.now() - started).to.be.within(900, 4000);
    expect((await callTool(s, 'echo_js', { text: 'still here' })).value).to.deep.equal({ echo: 'still here' });
  });

  it('runs calls side by side, more of them than there are workers', async () => {
    await putJs('sleepy', 'export default { name: "sleepy", async run() { const start = Date.now(); await new Promise((r) => setTimeout(r, 200)); return [start, Date.now()]; } };');
    const calls = await Promise.all(Array.from({ length: 12 }, () => callTool(s, 'sleepy', {})));
    const spans: Array<[number, number]> = calls.map((c) => c.value);
    expect(spans.every((span) => Array.isArray(span)), JSON.stringify(calls.map((c) => c.res.body))).to.equal(true);
    // One after the other, no call would start before another ended.
    const overlapping = spans.filter(([start], i) => spans.some(([s2, e2], j) => j !== i && s2 <= start && start < e2));
    expect(overlapping.length).to.be.at.least(2);
  });

  it('runs a JS tool off the main thread', async () => {
    await putJs('where', 'import { isMainThread } from "node:worker_threads"; export default { run: () => ({ isMainThread }) };');
    expect((await callTool(s, 'where', {})).value).to.deep.equal({ isMainThread: false });
  });

  it('stops a memory-hungry custom or JS tool at the heap limit without stopping the server', async () => {
    await createCustom('hog_custom', HOG);
    await putJs('hog_js', `export default { name: "hog_js", run() { ${HOG} } };`);
    // Near the heap limit the collector works hard, so a custom handler may meet its 1 s limit first.
    for (const [name, reason] of [['hog_custom', /out of memory|timed out/], ['hog_js', /out of memory/]] as const) {
      const { res } = await callTool(s, name, {});
      expect(res.status, `${name}: ${res.text}`).to.equal(500);
      expect(res.body.error, name).to.match(reason);
    }
    expect((await s.request('GET', '/api/system/health', { token: null })).status).to.equal(200);
    expect((await callTool(s, 'echo_js', { text: 'alive' })).value).to.deep.equal({ echo: 'alive' });
  });

  it('refuses a JS tool file whose top-level code never ends (400), and keeps serving', async () => {
    const started = Date.now();
    const res = await s.request('PUT', '/api/tools/js/stuck', { body: { source: 'while (true) {}\nexport default { run() {} };' } });
    expect(res.status, res.text).to.equal(400);
    expect(res.body.error).to.include('did not finish within');
    expect(Date.now() - started).to.be.below(10_000);
    expect((await s.request('GET', '/api/tools/js/stuck')).status).to.equal(404);
    expect((await callTool(s, 'echo_js', { text: 'ok' })).value).to.deep.equal({ echo: 'ok' });
  });
});
