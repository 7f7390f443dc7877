/**
 * lib/group-usage keeps in memory only the groups that counted usage today: asking for the usage of
 * groups that have none (any group id a client names) writes no file and keeps nothing.
 */
import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type TestServer } from '../../support/server.ts';

const GROUPS = 1000;
/** A group's usage kept in memory costs about 0.9 KB of heap (850 KB over 1,000 groups, measured); a read keeps nothing of its own. */
const BOUND = 400 * 1024;

describe('lib/group-usage: usage-stats of unknown groups', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ modules: { real: ['auth', 'system', 'group-admin'] } });
  });
  after(async () => s?.stop());

  /**
   * The server's heap after a full collection: the kernel runs one 1.5 s after a module reload settles
   * (kernel/gc.ts); reloading auth gives one and leaves group-admin (whose bundle holds the counts) alone.
   */
  async function settledHeap(): Promise<number> {
    expect((await s.request('POST', '/api/system/modules/auth/reload')).status).to.equal(200);
    await sleep(2500);
    return (await s.request('GET', '/api/system/metrics')).body.data.process.memory.heapUsed as number;
  }

  /** How much the heap grew after asking `/<group>/<what>` of `GROUPS` groups never asked about before. */
  let next = 900000;
  async function growthAfter(what: string): Promise<number> {
    const before = await settledHeap();
    for (const end = next + GROUPS; next < end; next++) {
      const res = await s.request('GET', `/api/group-admin/${next}/${what}`);
      expect(res.status, `${what} of ${next}`).to.equal(200);
    }
    return (await settledHeap()) - before;
  }

  it(`keeps nothing and writes no file for ${GROUPS} distinct groups without usage`, async function () {
    this.timeout(90_000);
    const stats = await s.request('GET', '/api/group-admin/899999/usage-stats');
    expect(stats.body.data).to.include({ groupCount: 0, totalUsers: 0 });
    // The control reads the same group settings that usage-stats reads, without the usage.
    const control = await growthAfter('config');
    const usage = await growthAfter('usage-stats');
    expect(usage - control, `heap growth: ${usage} bytes after usage-stats, ${control} after config`).to.be.below(BOUND);
    expect(await readdir(path.join(s.dataDir, 'group-usage')).catch(() => [])).to.deep.equal([]);
  });
});
