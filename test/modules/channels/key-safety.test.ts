import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.ts';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

const MODULES = ['auth', 'channels'];
// Every key contains SECRET: no answer and no log line may contain that word.
const KEY = 'sk-test-SECRET-0000-9999-abcd';
const OTHER_KEY = 'sk-other-SECRET-1111-2222-efgh';
const THIRD_KEY = 'sk-third-SECRET-3333-4444-ijkl';

describe('channels: a key never leaves for anywhere but its own base URL (issue 15, item 4)', () => {
  let s: TestServer;
  let modules: ModulesDir;
  let up: Upstream;
  let echo: EchoUpstream;
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await s.request(method, p, body === undefined ? {} : { body });
    expect(res.text, `${method} ${p} leaks a key`).not.to.include('SECRET');
    return res;
  };
  const stored = async (id: string) => JSON.parse(await readFile(path.join(s.dataDir, 'channels.json'), 'utf8')).channels.find((c: { id: string }) => c.id === id);

  before(async () => {
    modules = await makeModulesDir({ real: MODULES });
    [s, up, echo] = await Promise.all([startServer({ modulesDir: modules.dir }), startUpstream({ models: ['gpt-4o'] }), startEchoUpstream()]);
  });
  after(async () => {
    await Promise.all([s?.stop(), up?.close(), echo?.close()]);
    await modules?.cleanup();
  });

  describe('an upstream that echoes the credentials it was sent', () => {
    before(async () => {
      const res = await call('POST', '/api/channels', { id: 'echo', name: 'Echo', adapterType: 'openai', baseUrl: `${echo.url}/v1`, apiKeys: [KEY], models: ['m'] });
      expect(res.status).to.equal(201);
    });
    beforeEach(() => {
      echo.respond = (text) => ({ status: 200, body: text });
    });

    it('GET /:id/models answers 502 with the key masked', async () => {
      const res = await call('GET', '/api/channels/echo/models');
      expect(res.status).to.equal(502);
      expect(res.body.error).to.equal('fetching models failed: upstream answered something that is not JSON: ECHO authorization=Bearer sk-****abcd');
      expect(echo.requests.at(-1)?.headers.authorization).to.equal(`Bearer ${KEY}`);
    });

    it('POST /test answers 502 with the key masked, and the key record keeps the masked message', async () => {
      echo.respond = (text) => ({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: { message: `Unknown key. ${text}` } }) });
      const res = await call('POST', '/api/channels/test', { id: 'echo' });
      expect(res.status).to.equal(502);
      expect(res.body.details).to.include({ status: 401, message: 'Unknown key. ECHO authorization=Bearer sk-****abcd' });
      expect((await stored('echo')).apiKeys[0].lastError).to.include('sk-****abcd').and.not.include('SECRET');
      await call('GET', '/api/channels/echo');
    });

    it('POST /test-model and /fetch-models mask it too', async () => {
      const tested = await call('POST', '/api/channels/test-model', { channelId: 'echo', model: 'm' });
      expect(tested.body.data).to.include({ success: false });
      expect(tested.body.data.error).to.include('sk-****abcd');
      const listed = await call('POST', '/api/channels/fetch-models', { adapterType: 'openai', baseUrl: `${echo.url}/v1`, apiKey: OTHER_KEY });
      expect(listed.status).to.equal(502);
      expect(listed.body.error).to.include('sk-****efgh');
    });
  });

  describe('PUT /api/channels/:id with a new base URL (docs/http.md#secrets)', () => {
    beforeEach(() => {
      echo.requests.length = 0;
      up.reset();
    });

    it('is refused while the stored key would follow it; the channel keeps its URL', async () => {
      await call('POST', '/api/channels', { id: 'main', name: 'Main', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: KEY });
      for (const body of [{ baseUrl: `${echo.url}/v1` }, { baseUrl: `${echo.url}/v1`, apiKey: 'sk-****abcd' }, { baseUrls: [up.baseUrl('openai'), `${echo.url}/v1`] }]) {
        const res = await call('PUT', '/api/channels/main', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.details[0].path).to.equal('body.apiKey');
        expect(res.body.error).to.include('new base URL');
      }
      expect((await stored('main')).baseUrl).to.equal(up.baseUrl('openai'));
      // The sequence: with the PUT refused, the model list still goes to the stored URL.
      expect((await call('GET', '/api/channels/main/models')).body.data.models).to.deep.equal(['gpt-4o']);
      expect(echo.requests).to.have.length(0);
    });

    it('is accepted with the key sent again in full, which then goes to the new URL', async () => {
      const res = await call('PUT', '/api/channels/main', { baseUrl: `${echo.url}/v1`, apiKey: OTHER_KEY });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ baseUrl: `${echo.url}/v1`, apiKey: 'sk-****efgh' });
      await call('GET', '/api/channels/main/models');
      expect(echo.requests.map((r) => r.headers.authorization)).to.deep.equal([`Bearer ${OTHER_KEY}`]);
    });

    it('needs every key of the channel again, and secret custom headers too', async () => {
      await call('POST', '/api/channels', { id: 'multi', name: 'Multi', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKeys: [KEY, OTHER_KEY], customHeaders: { 'X-Custom-Token': 'hdr-SECRET-value-5678' } });
      let res = await call('PUT', '/api/channels/multi', { baseUrl: `${echo.url}/v1`, apiKey: THIRD_KEY });
      expect(res.status).to.equal(400);
      expect(res.body.details[0].path).to.equal('body.apiKeys.0');
      res = await call('PUT', '/api/channels/multi', { baseUrl: `${echo.url}/v1`, apiKeys: [KEY, 'sk-****efgh'] });
      expect(res.body.details[0].path).to.equal('body.apiKeys.1');
      res = await call('PUT', '/api/channels/multi', { baseUrl: `${echo.url}/v1`, apiKeys: [KEY, OTHER_KEY] });
      expect(res.body.details[0].path).to.equal('body.customHeaders.X-Custom-Token');
      res = await call('PUT', '/api/channels/multi', { baseUrl: `${echo.url}/v1`, apiKeys: [THIRD_KEY], customHeaders: {} });
      expect(res.status).to.equal(200);
    });

    it('a test or model list with another base URL and only apiKey given never uses the stored apiKeys', async () => {
      await call('POST', '/api/channels', { id: 'pool', name: 'Pool', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKeys: [KEY] });
      const tested = await call('POST', '/api/channels/test', { id: 'pool', baseUrl: `${echo.url}/v1`, apiKey: OTHER_KEY });
      expect(tested.status).to.equal(400);
      expect(tested.body.details[0].path).to.equal('body.apiKeys.0');
      const listed = await call('POST', '/api/channels/fetch-models', { id: 'pool', baseUrl: `${echo.url}/v1`, apiKey: OTHER_KEY });
      expect(listed.status).to.equal(400);
      expect(echo.requests).to.have.length(0);
    });

    it('moving between the base URLs a channel already has needs no key', async () => {
      const second = up.baseUrl('openai').replace('/v1', '/second/v1');
      await call('POST', '/api/channels', { id: 'two', name: 'Two', adapterType: 'openai', baseUrls: [up.baseUrl('openai'), second], apiKey: KEY });
      const res = await call('PUT', '/api/channels/two', { baseUrl: second, apiKey: 'sk-****abcd' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data).to.include({ baseUrl: second, selectedBaseUrlIndex: 1 });
    });
  });

  describe('the server log', () => {
    it('logged the failures above without any key in clear', () => {
      expect(s.output()).to.include('fetching models failed').and.include('sk-****abcd');
      expect(s.output()).not.to.include('SECRET');
    });
  });
});
