import { expect } from 'chai';
import { startProbed, type ProbedServer } from '../support/probe.ts';

// Reading the global Response loads Node's fetch implementation, about 5 MB of the idle server on Node 20
// (kernel/http/koa-accessors.ts); a server that has fetched nothing should not pay for it.
describe('answering JSON does not load the fetch implementation', () => {
  let p: ProbedServer;
  before(async () => {
    p = await startProbed('fetch-response');
  });
  after(async () => p?.stop());

  it('serves objects, arrays, errors, 404s and the panel without reading the global Response', async () => {
    const s = p.server;
    expect((await s.request('GET', '/api/system/status')).status).to.equal(200);
    expect((await s.request('GET', '/api/system/modules')).status).to.equal(200);
    expect((await s.request('GET', '/api/presets')).status).to.equal(200);
    expect((await s.request('PUT', '/api/config', { body: { basic: { debug: true } } })).status).to.equal(200);
    expect((await s.request('PUT', '/api/config', { raw: '{', headers: { 'content-type': 'application/json' } })).status).to.equal(400);
    expect((await s.request('GET', '/api/no-such-route')).status).to.equal(404);
    expect((await s.request('GET', '/api/system/status', { token: null })).status).to.equal(401);
    expect((await s.request('GET', '/', { token: null })).status).to.equal(200);
    expect(p.caught(), 'first read of Response').to.equal('');
  });
});
