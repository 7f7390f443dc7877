import { expect } from 'chai';
import { startServer, type TestServer } from '../support/server.ts';

/** The code space after a start with every built-in module: 1.6-1.7 MB with Sparkplug (and Maglev on Node 24) compiling start-up functions, 0.5 MB without. */
const START_CODE_MAX = 1024 * 1024;

/** V8's code space in use, from the metrics route (prom-client's heap space gauges). */
async function codeSpaceUsed(s: TestServer): Promise<number> {
  const res = await s.request('GET', '/api/metrics');
  expect(res.status).to.equal(200);
  const line = /^nodejs_heap_space_size_used_bytes\{space="code"\} (\d+)/m.exec(res.text);
  expect(line, 'code_space gauge in /api/metrics').to.not.equal(null);
  return Number(line![1]);
}

describe('kernel/launch.mjs: V8 tiers during the start (docs/architecture.md#benchmarks, idle RSS)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  it('compiles no baseline or Maglev code for start-up functions, and compiles again once it serves', async () => {
    const atStart = await codeSpaceUsed(s);
    expect(atStart, 'code space used right after the start').to.be.at.most(START_CODE_MAX);
    // The run flags turn the tiers on again: a busy route gets compiled code.
    for (let i = 0; i < 1500; i++) await s.request('GET', '/api/system/health', { token: null });
    expect(await codeSpaceUsed(s), 'code space used after 1500 requests').to.be.above(atStart);
  });
});
