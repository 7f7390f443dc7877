import { expect } from 'chai';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';

/** Only the modules these tests need: faster to start, and others' work in progress cannot interfere. */
const MODULES = ['auth', 'channels'];

const KEY_A = 'sk-live-SECRET-aaaa-0000-1111-wxyz';
const KEY_B = 'sk-live-SECRET-bbbb-2222-3333-klmn';

describe('channels CRUD (/api/channels)', () => {
  let s: TestServer;
  let modules: ModulesDir;
  /** Every response must be free of raw keys. */
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await s.request(method, p, body === undefined ? {} : { body });
    expect(res.text, `${method} ${p} leaks a key`).not.to.include('SECRET');
    return res;
  };

  before(async () => {
    modules = await makeModulesDir({ real: MODULES });
    s = await startServer({ modulesDir: modules.dir });
  });
  after(() => Promise.resolve(s?.stop()).then(() => modules?.cleanup()));

  describe('POST /api/channels', () => {
    it('creates a channel with defaults, normalised base URL and masked keys (201)', async () => {
      const res = await call('POST', '/api/channels', { name: 'Main', adapterType: 'openai', baseUrl: 'https://llm.example.com/', apiKey: KEY_A, models: ['gpt-4o'] });
      expect(res.status).to.equal(201);
      const ch = res.body.data;
      expect(ch.id).to.match(/^openai-[0-9a-f]{8}$/);
      expect(ch).to.include({ name: 'Main', baseUrl: 'https://llm.example.com/v1', apiKey: 'sk-****wxyz', strategy: 'round-robin', enabled: true, status: 'idle', priority: 100 });
      expect(ch.baseUrls).to.deep.equal(['https://llm.example.com/v1']);
      expect(ch.timeout).to.deep.equal({ connect: 10000, read: 60000 });
      expect(ch.advanced.llm.temperature).to.equal(0.7);
    });

    it('keeps keys in clear only in a 0600 file', async () => {
      const file = path.join(s.dataDir, 'channels.json');
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      expect(await readFile(file, 'utf8')).to.include(KEY_A);
    });

    it('accepts keys as strings or objects and a client id; 409 on a duplicate id', async () => {
      const body = { id: 'claude-main', name: 'Claude', adapterType: 'claude', apiKeys: [KEY_A, { key: KEY_B, name: 'Backup', weight: 5 }], strategy: 'weighted' };
      const res = await call('POST', '/api/channels', body);
      expect(res.status).to.equal(201);
      expect(res.body.data.baseUrl).to.equal('https://api.anthropic.com/v1');
      expect(res.body.data.apiKeys.map((k: { key: string }) => k.key)).to.deep.equal(['sk-****wxyz', 'sk-****klmn']);
      expect(res.body.data.apiKeys[1]).to.include({ name: 'Backup', weight: 5, enabled: true, usageCount: 0 });
      const dup = await call('POST', '/api/channels', body);
      expect(dup.status).to.equal(409);
      expect(dup.body.code).to.equal('CHANNEL_EXISTS');
    });

    it('refuses bad input with 400 VALIDATION_ERROR and the field path', async () => {
      for (const [body, field] of [
        [{ adapterType: 'openai' }, 'body.name'],
        [{ name: 'x', adapterType: 'mystery' }, 'body.adapterType'],
        [{ name: 'x', adapterType: 'openai', baseUrl: 'ftp://nope' }, 'body.baseUrl'],
        [{ name: 'x', adapterType: 'openai', strategy: 'sometimes' }, 'body.strategy'],
        [{ name: 'x', adapterType: 'openai', id: 'bad/id' }, 'body.id'],
        [{ name: 'x', adapterType: 'openai', timeout: { connect: 5 } }, 'body.timeout.connect'],
      ] as const) {
        const res = await call('POST', '/api/channels', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.code).to.equal('VALIDATION_ERROR');
        expect(res.body.details.map((d: { path: string }) => d.path)).to.include(field);
      }
    });

    it('refuses a masked key that matches nothing stored', async () => {
      const res = await call('POST', '/api/channels', { name: 'x', adapterType: 'openai', apiKey: 'sk-****zzzz' });
      expect(res.status).to.equal(400);
      expect(res.body.details[0].path).to.equal('body.apiKey');
    });
  });

  describe('GET /api/channels/list and /:id', () => {
    it('lists every channel masked, with stats on request', async () => {
      const res = await call('GET', '/api/channels/list');
      expect(res.status).to.equal(200);
      expect(res.body.data).to.have.length(2);
      expect(res.body.data[0]).not.to.have.property('stats');
      const withStats = await call('GET', '/api/channels/list?withStats=1');
      expect(withStats.body.data[0].stats).to.include({ totalCalls: 0, successRate: 0 });
    });

    it('answers one channel, 404 CHANNEL_NOT_FOUND for an unknown id', async () => {
      const res = await call('GET', '/api/channels/claude-main');
      expect(res.status).to.equal(200);
      expect(res.body.data.name).to.equal('Claude');
      const missing = await call('GET', '/api/channels/nope');
      expect(missing.status).to.equal(404);
      expect(missing.body.code).to.equal('CHANNEL_NOT_FOUND');
    });
  });

  describe('PUT /api/channels/:id', () => {
    it('keeps stored keys when masked values come back, replaces them when new ones do', async () => {
      const current = (await call('GET', '/api/channels/claude-main')).body.data;
      const res = await call('PUT', '/api/channels/claude-main', { ...current, name: 'Claude 2', priority: 5 });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ name: 'Claude 2', priority: 5, id: 'claude-main' });
      let disk = await readFile(path.join(s.dataDir, 'channels.json'), 'utf8');
      expect(disk).to.include(KEY_A).and.include(KEY_B);

      const swapped = await call('PUT', '/api/channels/claude-main', { apiKeys: [current.apiKeys[1], 'sk-new-SECRET-cccc-4444-5555-qrst'] });
      expect(swapped.body.data.apiKeys.map((k: { key: string; name: string }) => [k.key, k.name])).to.deep.equal([
        ['sk-****klmn', 'Backup'],
        ['sk-****qrst', 'Key 2'],
      ]);
      disk = await readFile(path.join(s.dataDir, 'channels.json'), 'utf8');
      expect(disk).to.include('sk-new-SECRET-cccc-4444-5555-qrst');
    });

    it('merges nested settings and re-normalises base URLs', async () => {
      const res = await call('PUT', '/api/channels/claude-main', {
        advanced: { llm: { temperature: 0.2 } },
        // New base URLs need the keys again (docs/http.md#secrets).
        apiKeys: [KEY_B, 'sk-new-SECRET-cccc-4444-5555-qrst'],
        baseUrls: ['https://a.example.com/', 'https://b.example.com/v1/'],
        timeout: { read: 5000 },
      });
      const ch = res.body.data;
      expect(ch.advanced.llm).to.include({ temperature: 0.2, maxTokens: 4000 });
      expect(ch.timeout).to.deep.equal({ connect: 10000, read: 5000 });
      expect(ch.baseUrls).to.deep.equal(['https://a.example.com/v1', 'https://b.example.com/v1']);
      expect(ch).to.include({ baseUrl: 'https://a.example.com/v1', selectedBaseUrlIndex: 0 });
    });

    it('disables and enables through `enabled`', async () => {
      expect((await call('PUT', '/api/channels/claude-main', { enabled: false })).body.data).to.include({ enabled: false, status: 'disabled' });
      expect((await call('PUT', '/api/channels/claude-main', { enabled: true })).body.data).to.include({ enabled: true, status: 'idle' });
    });

    it('masks secret-looking custom headers and keeps them when sent back masked', async () => {
      const res = await call('PUT', '/api/channels/claude-main', { customHeaders: { 'X-Api-Token': 'SECRET-header-value-9876', 'X-Team': 'blue' } });
      expect(res.body.data.customHeaders).to.deep.equal({ 'X-Api-Token': 'SEC****9876', 'X-Team': 'blue' });
      await call('PUT', '/api/channels/claude-main', { customHeaders: res.body.data.customHeaders });
      expect(await readFile(path.join(s.dataDir, 'channels.json'), 'utf8')).to.include('SECRET-header-value-9876');
    });

    it('judges a header secret by the words of its name, as the configuration does (looksSecret)', async () => {
      const headers = { 'X-Session-Id': 'sess-abcdefgh-0000-1234', Authentication: 'Token abcdefgh-5678', 'X-Keyword': 'plain', 'X-Team': 'blue' };
      const res = await call('PUT', '/api/channels/claude-main', { customHeaders: headers });
      expect(res.body.data.customHeaders).to.deep.equal({ 'X-Session-Id': 'sess-****1234', Authentication: 'Tok****5678', 'X-Keyword': 'plain', 'X-Team': 'blue' });
    });

    it('404 for an unknown channel, 400 for a bad field', async () => {
      expect((await call('PUT', '/api/channels/nope', { name: 'x' })).status).to.equal(404);
      const bad = await call('PUT', '/api/channels/claude-main', { priority: 'high' });
      expect(bad.status).to.equal(400);
      expect(bad.body.details[0].path).to.equal('body.priority');
    });
  });

  describe('PUT /api/channels/:id/select-baseurl', () => {
    it('selects a base URL by index; 400 out of range; 404 unknown channel', async () => {
      const res = await call('PUT', '/api/channels/claude-main/select-baseurl', { index: 1 });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ selectedIndex: 1, selectedUrl: 'https://b.example.com/v1' });
      expect((await call('GET', '/api/channels/claude-main')).body.data.baseUrl).to.equal('https://b.example.com/v1');
      expect((await call('PUT', '/api/channels/claude-main/select-baseurl', { index: 7 })).status).to.equal(400);
      expect((await call('PUT', '/api/channels/claude-main/select-baseurl', {})).status).to.equal(400);
      expect((await call('PUT', '/api/channels/nope/select-baseurl', { index: 0 })).status).to.equal(404);
    });
  });

  describe('DELETE /api/channels/:id', () => {
    it('deletes a channel, 404 afterwards and for unknown ids', async () => {
      expect((await call('DELETE', '/api/channels/claude-main')).body).to.deep.equal({ success: true, data: null });
      expect((await call('GET', '/api/channels/claude-main')).status).to.equal(404);
      expect((await call('DELETE', '/api/channels/claude-main')).status).to.equal(404);
    });

    it('only disables a channel whose id ends in -default', async () => {
      await call('POST', '/api/channels', { id: 'openai-default', name: 'Built-in', adapterType: 'openai' });
      await call('DELETE', '/api/channels/openai-default');
      expect((await call('GET', '/api/channels/openai-default')).body.data).to.include({ enabled: false });
    });
  });

  it('needs a token', async () => {
    expect((await s.request('GET', '/api/channels/list', { token: null })).status).to.equal(401);
  });
});
