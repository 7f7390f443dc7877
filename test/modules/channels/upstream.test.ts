import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

/** Only the modules these tests need: faster to start, and others' work in progress cannot interfere. */
const MODULES = ['auth', 'channels'];

const KEY = 'sk-test-SECRET-0000-9999-abcd';
const OTHER_KEY = 'sk-other-SECRET-1111-2222-efgh';

describe('channels upstream routes (/api/channels test, models, base URLs, stats)', () => {
  let s: TestServer;
  let modules: ModulesDir;
  let up: Upstream;
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await s.request(method, p, body === undefined ? {} : { body });
    expect(res.text, `${method} ${p} leaks a key`).not.to.include('SECRET');
    return res;
  };
  const create = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/api/channels', { adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: KEY, ...body });
    expect(res.status).to.equal(201);
    return res.body.data;
  };

  before(async () => {
    modules = await makeModulesDir({ real: MODULES });
    [s, up] = await Promise.all([startServer({ modulesDir: modules.dir }), startUpstream({ models: ['gpt-4o', 'gpt-4o-mini'] })]);
  });
  after(() => Promise.all([s?.stop(), up?.close()]).then(() => modules?.cleanup()));
  beforeEach(() => up.reset());

  describe('POST /api/channels/test', () => {
    it('sends one chat with the stored key and mapped model, records the health check', async () => {
      await create({ id: 'oa', name: 'OA', models: ['gpt-4'], overrides: { modelMapping: { 'gpt-4*': 'gpt-4o' } } });
      up.enqueue({ text: 'Hello!' });
      const res = await call('POST', '/api/channels/test', { id: 'oa' });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ success: true, testResponse: 'Hello!', model: 'gpt-4o' });
      expect(res.body.data.elapsed).to.be.a('number');
      expect(res.body.data.latency).to.equal(res.body.data.elapsed);
      expect(res.body.data.keyInfo).to.deep.equal({ index: -1, name: 'apiKey', strategy: 'round-robin' });
      expect(up.requests[0].headers.authorization).to.equal(`Bearer ${KEY}`);
      expect(up.requests[0].body.model).to.equal('gpt-4o');
      const ch = (await call('GET', '/api/channels/oa')).body.data;
      expect(ch.status).to.equal('active');
      expect(ch.testedAt).to.be.a('number');
    });

    it('tests claude and gemini channels over their own protocols, streaming when the channel streams', async () => {
      await create({ id: 'cl', name: 'CL', adapterType: 'claude', baseUrl: up.baseUrl('claude'), models: ['claude-x'] });
      await create({ id: 'ge', name: 'GE', adapterType: 'gemini', baseUrl: up.baseUrl('gemini'), models: ['gemini-x'], advanced: { streaming: { enabled: true } } });
      up.enqueue({ text: 'from claude' }, { text: 'from gemini' });
      expect((await call('POST', '/api/channels/test', { id: 'cl' })).body.data.testResponse).to.equal('from claude');
      expect((await call('POST', '/api/channels/test', { id: 'ge' })).body.data.testResponse).to.equal('from gemini');
      expect(up.requests.map((r) => [r.protocol, r.stream])).to.deep.equal([['claude', false], ['gemini', true]]);
      expect(up.requests[0].headers['x-api-key']).to.equal(KEY);
    });

    it('turns an upstream error into 502 API_ERROR with the upstream status, and marks the channel', async () => {
      up.enqueue({ error: { status: 401, message: 'invalid api key' } });
      const res = await call('POST', '/api/channels/test', { id: 'oa' });
      expect(res.status).to.equal(502);
      expect(res.body.code).to.equal('API_ERROR');
      expect(res.body.details).to.include({ status: 401, message: 'invalid api key' });
      expect((await call('GET', '/api/channels/oa')).body.data.status).to.equal('error');
    });

    it('masks the key when an upstream echoes it in an error', async () => {
      up.enqueue({ error: { status: 401, message: `Incorrect API key provided: ${KEY}` } });
      const res = await call('POST', '/api/channels/test', { id: 'oa' });
      expect(res.body.details.message).to.equal('Incorrect API key provided: sk-****abcd');
      await call('GET', '/api/channels/oa');
    });

    it('turns a hung upstream into an error after the channel timeout, not a hang', async () => {
      await create({ id: 'slow', name: 'Slow', timeout: { connect: 300, read: 300 } });
      up.enqueue({ hang: true });
      const started = Date.now();
      const res = await call('POST', '/api/channels/test', { id: 'slow' });
      expect(res.status).to.equal(502);
      expect(res.body.details.kind).to.equal('timeout');
      expect(Date.now() - started).to.be.below(5000);
    });

    it('tests an inline channel with its own key', async () => {
      const res = await call('POST', '/api/channels/test', { adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: OTHER_KEY, models: ['m1'] });
      expect(res.status).to.equal(200);
      expect(up.requests[0].headers.authorization).to.equal(`Bearer ${OTHER_KEY}`);
    });

    it('never sends the stored key to another base URL (KERNEL §10.16)', async () => {
      const elsewhere = await startUpstream();
      try {
        const res = await call('POST', '/api/channels/test', { id: 'oa', baseUrl: elsewhere.baseUrl('openai') });
        expect(res.status).to.equal(400);
        expect(res.body.details[0].path).to.equal('body.apiKey');
        const masked = await call('POST', '/api/channels/test', { id: 'oa', baseUrl: elsewhere.baseUrl('openai'), apiKey: 'sk-****abcd' });
        expect(masked.status).to.equal(400);
        const models = await call('POST', '/api/channels/fetch-models', { id: 'oa', baseUrls: [elsewhere.baseUrl('openai')] });
        expect(models.status).to.equal(400);
        expect(elsewhere.requests).to.have.length(0);
        const own = await call('POST', '/api/channels/test', { id: 'oa', baseUrl: elsewhere.baseUrl('openai'), apiKey: OTHER_KEY });
        expect(own.status).to.equal(200);
        expect(elsewhere.requests[0].headers.authorization).to.equal(`Bearer ${OTHER_KEY}`);
      } finally {
        await elsewhere.close();
      }
    });

    it('refuses bad bodies: no id and no adapter, an inline channel without a key, an unknown id', async () => {
      expect((await call('POST', '/api/channels/test', { name: 'x' })).status).to.equal(400);
      expect((await call('POST', '/api/channels/test', { adapterType: 'openai', baseUrl: up.baseUrl('openai') })).status).to.equal(400);
      expect((await call('POST', '/api/channels/test', { id: 'nope' })).status).to.equal(404);
      expect(up.requests).to.have.length(0);
    });
  });

  describe('POST /api/channels/test-model and /batch-test', () => {
    it('test-model answers 200 with a success flag either way', async () => {
      up.enqueue({ text: 'x'.repeat(150) }, { error: { status: 429, message: 'rate limited' } });
      const ok = await call('POST', '/api/channels/test-model', { channelId: 'oa', model: 'gpt-4o-mini' });
      expect(ok.status).to.equal(200);
      expect(ok.body.data).to.include({ model: 'gpt-4o-mini', success: true });
      expect(ok.body.data.response).to.have.length(100);
      expect(up.requests[0].body.max_tokens).to.equal(50);
      const bad = await call('POST', '/api/channels/test-model', { channelId: 'oa', model: 'gpt-4o-mini' });
      expect(bad.body.data).to.include({ success: false, status: 429 });
      expect(bad.body.data.error).to.include('rate limited');
    });

    it('test-model: 400 without channelId or model, 404 for an unknown channel', async () => {
      expect((await call('POST', '/api/channels/test-model', { channelId: 'oa' })).status).to.equal(400);
      expect((await call('POST', '/api/channels/test-model', { model: 'm' })).status).to.equal(400);
      expect((await call('POST', '/api/channels/test-model', { channelId: 'nope', model: 'm' })).status).to.equal(404);
    });

    it('batch-test runs every model and counts the outcomes', async () => {
      await create({ id: 'multi', name: 'Multi', models: ['a', 'b', 'c'] });
      up.setDefault((req) => (req.model === 'b' ? { error: { status: 500, message: 'boom' } } : { text: `hi from ${req.model}` }));
      try {
        const res = await call('POST', '/api/channels/batch-test', { channelId: 'multi', concurrency: 2 });
        expect(res.body.data).to.include({ total: 3, success: 2, failed: 1, channelId: 'multi', channelName: 'Multi' });
        expect(res.body.data.results.map((r: { model: string; success: boolean }) => [r.model, r.success])).to.deep.equal([['a', true], ['b', false], ['c', true]]);
        const only = await call('POST', '/api/channels/batch-test', { channelId: 'multi', models: ['c'] });
        expect(only.body.data.total).to.equal(1);
      } finally {
        up.setDefault({ text: 'Hello!' });
      }
    });

    it('batch-test: 400 when there is nothing to test or concurrency is out of range', async () => {
      await create({ id: 'empty', name: 'Empty' });
      expect((await call('POST', '/api/channels/batch-test', { channelId: 'empty' })).status).to.equal(400);
      expect((await call('POST', '/api/channels/batch-test', { channelId: 'multi', concurrency: 99 })).status).to.equal(400);
      expect((await call('POST', '/api/channels/batch-test', { channelId: 'nope' })).status).to.equal(404);
    });
  });

  describe('key selection', () => {
    it('rotates round-robin over the enabled keys, and skips a disabled one', async () => {
      await create({ id: 'keys', name: 'Keys', apiKey: '', apiKeys: [KEY, { key: OTHER_KEY, name: 'Second' }, { key: 'sk-off-SECRET-5555-6666-zzzz', enabled: false }] });
      for (let i = 0; i < 4; i++) await call('POST', '/api/channels/test-model', { channelId: 'keys', model: 'm' });
      expect(up.requests.map((r) => r.headers.authorization)).to.deep.equal([KEY, OTHER_KEY, KEY, OTHER_KEY].map((k) => `Bearer ${k}`));
      const keys = (await call('GET', '/api/channels/keys')).body.data.apiKeys;
      expect(keys.map((k: { usageCount: number }) => k.usageCount)).to.deep.equal([2, 2, 0]);
    });
  });

  describe('model lists', () => {
    it('POST /fetch-models lists an inline channel\'s models, sorted', async () => {
      up.models = ['zeta', 'alpha'];
      const res = await call('POST', '/api/channels/fetch-models', { adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: OTHER_KEY });
      expect(res.body.data).to.deep.equal({ models: ['alpha', 'zeta'] });
      expect(up.requests[0].headers.authorization).to.equal(`Bearer ${OTHER_KEY}`);
    });

    it('GET /:id/models asks with the stored key; gemini lists come from its own API', async () => {
      up.models = ['gemini-1', 'gemini-2'];
      expect((await call('GET', '/api/channels/ge/models')).body.data.models).to.deep.equal(['gemini-1', 'gemini-2']);
      expect(up.requests[0].path).to.equal('/v1beta/models');
      expect(up.requests[0].headers['x-goog-api-key']).to.equal(KEY);
      expect((await call('GET', '/api/channels/nope/models')).status).to.equal(404);
    });

    it('an unreachable upstream is 502 API_ERROR', async () => {
      const res = await call('POST', '/api/channels/fetch-models', { adapterType: 'openai', baseUrl: 'http://127.0.0.1:1/v1', apiKey: OTHER_KEY });
      expect(res.status).to.equal(502);
      expect(res.body.code).to.equal('API_ERROR');
      expect(res.body.details.kind).to.equal('network');
    });
  });

  describe('POST /api/channels/:id/test-baseurls', () => {
    it('probes every URL, keeps unreachable ones as null and selects the fastest reachable', async () => {
      await create({ id: 'urls', name: 'URLs', baseUrls: ['http://127.0.0.1:1/v1', up.baseUrl('openai')] });
      const res = await call('POST', '/api/channels/urls/test-baseurls', { forceRetest: true });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ selectedIndex: 1, selectedUrl: up.baseUrl('openai') });
      expect(res.body.data.latencies['http://127.0.0.1:1/v1']).to.equal(null);
      expect(res.body.data.latencies[up.baseUrl('openai')]).to.be.a('number');
      expect(up.requests.some((r) => r.path === '/v1/models')).to.equal(true);
      const ch = (await call('GET', '/api/channels/urls')).body.data;
      expect(ch).to.include({ baseUrl: up.baseUrl('openai'), selectedBaseUrlIndex: 1 });
      expect((await call('POST', '/api/channels/nope/test-baseurls', {})).status).to.equal(404);
    });

    it('counts a 401 answer as reachable and a redirect as not (chat calls do not follow one)', async () => {
      const other = http.createServer((req, res) => {
        if (req.url?.startsWith('/locked/')) res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"no key"}}');
        else res.writeHead(301, { location: up.baseUrl('openai') }).end();
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      const root = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      try {
        await create({ id: 'probed', name: 'Probed', baseUrls: [`${root}/moved/v1`, `${root}/locked/v1`] });
        const res = await call('POST', '/api/channels/probed/test-baseurls', { forceRetest: true });
        expect(res.body.data.latencies[`${root}/moved/v1`]).to.equal(null);
        expect(res.body.data.latencies[`${root}/locked/v1`]).to.be.a('number');
        expect(res.body.data).to.include({ selectedIndex: 1 });
      } finally {
        other.closeAllConnections();
        await new Promise((resolve) => other.close(resolve));
      }
    });
  });

  describe('GET /api/channels/stats', () => {
    it('counts calls, tokens and failures per channel, model and key, on disk', async () => {
      const one = await call('GET', '/api/channels/stats?id=oa');
      expect(one.body.data).to.include({ totalCalls: 5, successCalls: 2, failedCalls: 3 });
      expect(one.body.data.modelUsage['gpt-4o-mini']).to.include({ calls: 2, success: 1, failed: 1 });
      expect(one.body.data.errorTypes).to.include({ http_401: 2, http_429: 1 });
      expect(one.body.data.successRate).to.equal(40);
      const all = await call('GET', '/api/channels/stats');
      expect(all.body.data).to.have.keys('oa', 'cl', 'ge', 'slow', 'multi', 'keys');
      expect((await call('GET', '/api/channels/stats?id=unknown')).body.data).to.equal(null);
      const disk = JSON.parse(await readFile(path.join(s.dataDir, 'channel-usage.json'), 'utf8'));
      expect(disk.channels.oa.totalCalls).to.equal(5);
    });
  });
});
