import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, startServer, type TestServer } from '../support/server.ts';

// Reading the global Response loads Node's fetch implementation, about 5 MB of the idle server on Node 20
// (kernel/http/koa-accessors.ts); a server that has fetched nothing should not pay for it.
describe('answering JSON does not load the fetch implementation', () => {
  let s: TestServer;
  let dir: string;
  let probe: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'chatai-response-'));
    probe = path.join(dir, 'response.log');
    s = await startServer({ env: { NODE_OPTIONS: `--import ${path.join(ROOT, 'test/fixtures/probes/fetch-response.mjs')}`, RESPONSE_PROBE_FILE: probe } });
  });
  after(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves objects, arrays, errors, 404s and the panel without reading the global Response', async () => {
    expect((await s.request('GET', '/api/system/status')).status).to.equal(200);
    expect((await s.request('GET', '/api/system/modules')).status).to.equal(200);
    expect((await s.request('GET', '/api/presets')).status).to.equal(200);
    expect((await s.request('PUT', '/api/config', { body: { basic: { debug: true } } })).status).to.equal(200);
    expect((await s.request('PUT', '/api/config', { raw: '{', headers: { 'content-type': 'application/json' } })).status).to.equal(400);
    expect((await s.request('GET', '/api/no-such-route')).status).to.equal(404);
    expect((await s.request('GET', '/api/system/status', { token: null })).status).to.equal(401);
    expect((await s.request('GET', '/', { token: null })).status).to.equal(200);
    expect(existsSync(probe) ? readFileSync(probe, 'utf8') : '', 'first read of Response').to.equal('');
  });
});
