import { expect } from 'chai';
import { startProbed, type ProbedServer } from '../support/probe.ts';

// ICU's collation, once loaded, stays in the process: about 1.7 MB of the idle server's RSS on Node 24 (docs/architecture.md#benchmarks).
describe('a start with every built-in module uses no ICU collation', () => {
  let p: ProbedServer;
  before(async () => {
    p = await startProbed('collation');
  });
  after(async () => p?.stop());

  it('orders modules and routes without localeCompare or Intl.Collator', async () => {
    expect((await p.server.request('GET', '/api/system/modules')).status).to.equal(200);
    expect(p.caught(), 'first use of collation').to.equal('');
  });
});
