import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.ts';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { closedPort } from '../../support/ports.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

const GROUP = '123';
// Every key contains SECRET: no answer and no log line may contain that word.
const GROUP_KEY = 'sk-group-SECRET-0000-1111-abcd';
const LISTED_KEY = 'sk-listed-SECRET-2222-3333-efgh';
const ADMIN_KEY = 'sk-admin-SECRET-4444-5555-ijkl';

describe('group-admin: the group upstream is no way into the host or to the group key (issue 15, items 4 and 5)', () => {
  let s: TestServer;
  let modules: ModulesDir;
  let up: Upstream;
  let echo: EchoUpstream;
  let admin: string;
  /** A request as the group's admin; no answer may show a key. */
  const asAdmin = async (method: string, p: string, body?: unknown) => {
    const res = await s.request(method, p, { token: admin, ...(body === undefined ? {} : { body }) });
    expect(res.text, `${method} ${p} leaks a key`).not.to.include('SECRET');
    return res;
  };
  const fetchModels = (body: Record<string, unknown>) => asAdmin('POST', `/api/group-admin/${GROUP}/models/fetch`, body);
  const storedChannel = async () => JSON.parse(await readFile(path.join(s.dataDir, 'groups', `${GROUP}.json`), 'utf8')).settings.independentChannel;
  const allowPrivateNetwork = async (allow: boolean) => {
    const res = await s.request('PUT', '/api/config', { body: { builtinTools: { fetch: { allowPrivateNetwork: allow } } } });
    expect(res.status, res.text).to.equal(200);
  };

  before(async () => {
    modules = await makeModulesDir({ real: ['auth', 'config', 'channels', 'group-admin'] });
    [s, up, echo] = await Promise.all([startServer({ modulesDir: modules.dir }), startUpstream({ models: ['model-a'] }), startEchoUpstream()]);
    admin = await s.loginAs({ groupId: GROUP });
  });
  after(async () => {
    await Promise.all([s?.stop(), up?.close(), echo?.close()]);
    await modules?.cleanup();
  });
  beforeEach(() => {
    up.reset();
    echo.requests.length = 0;
  });

  describe('POST /:groupId/models/fetch with private networks refused (the default)', () => {
    it('refuses a loopback URL with 403 before connecting', async () => {
      const res = await fetchModels({ baseUrl: up.url, apiKey: ADMIN_KEY, modelsPath: '/internal/admin' });
      expect(res.status).to.equal(403);
      expect(res.body).to.include({ success: false, code: 'URL_NOT_ALLOWED' });
      expect(up.requests).to.have.length(0);
    });

    it('answers an open and a closed port alike: no port scanning', async () => {
      const open = await fetchModels({ baseUrl: `http://127.0.0.1:${up.port}`, apiKey: ADMIN_KEY });
      const closed = await closedPort();
      const shut = await fetchModels({ baseUrl: `http://127.0.0.1:${closed}`, apiKey: ADMIN_KEY });
      expect(shut.status).to.equal(403);
      expect(shut.text.replaceAll(String(closed), 'PORT')).to.equal(open.text.replaceAll(String(up.port), 'PORT'));
      expect(shut.text).not.to.include('ECONNREFUSED');
    });

    it('refuses every spelling of a private address, by name too (checked after DNS resolution)', async () => {
      for (const baseUrl of [
        `http://localhost:${up.port}`, `http://[::1]:${up.port}`, `http://[::ffff:127.0.0.1]:${up.port}`, `http://[::127.0.0.1]:${up.port}`,
        `http://2130706433:${up.port}`, 'http://10.0.0.1', 'http://169.254.169.254/latest', 'http://metadata.google.internal',
      ]) {
        const res = await fetchModels({ baseUrl, apiKey: ADMIN_KEY });
        expect(res.status, baseUrl).to.equal(403);
        expect(res.body.code).to.equal('URL_NOT_ALLOWED');
      }
      expect(up.requests).to.have.length(0);
    });

    it("still lets the master's own channel reach a model server on loopback", async () => {
      const created = await s.request('POST', '/api/channels', { body: { id: 'local', name: 'Local', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-local-model-0000' } });
      expect(created.status).to.equal(201);
      const res = await s.request('GET', '/api/channels/local/models');
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data.models).to.deep.equal(['model-a']);
    });
  });

  describe('when the master allows private networks', () => {
    before(() => allowPrivateNetwork(true));
    after(() => allowPrivateNetwork(false));

    it('a group admin may use a model server on loopback', async () => {
      const res = await fetchModels({ baseUrl: up.baseUrl('openai'), apiKey: ADMIN_KEY });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data).to.deep.equal(['model-a']);
    });

    it('an upstream that echoes the key gets a 502 with the key masked: the caller\'s own and the master-set group key', async () => {
      let res = await fetchModels({ baseUrl: `${echo.url}/v1`, apiKey: ADMIN_KEY });
      expect(res.status).to.equal(502);
      expect(res.body.error).to.include('sk-****ijkl');
      // The master points the group's channel at this upstream with the group key; the group admin lists its models.
      const set = await s.request('PUT', `/api/group-admin/${GROUP}/channel`, { body: { baseUrl: `${echo.url}/v1`, apiKey: GROUP_KEY } });
      expect(set.status, set.text).to.equal(200);
      res = await fetchModels({ baseUrl: `${echo.url}/v1`, apiKey: 'sk-****abcd' });
      expect(res.status).to.equal(502);
      expect(res.body.error).to.equal('The upstream did not list its models: upstream answered something that is not JSON: ECHO authorization=Bearer sk-****abcd');
      expect(echo.requests.map((r) => r.headers.authorization)).to.deep.equal([`Bearer ${ADMIN_KEY}`, `Bearer ${GROUP_KEY}`]);
    });
  });

  describe('a new base URL for the group channel needs the key again (docs/http.md#secrets)', () => {
    before(async () => {
      const res = await s.request('PUT', `/api/group-admin/${GROUP}/config`, {
        body: { independentChannel: { baseUrl: up.baseUrl('openai'), apiKey: GROUP_KEY, channels: [{ id: 'c1', baseUrl: up.baseUrl('openai'), apiKey: LISTED_KEY }] } },
      });
      expect(res.status, res.text).to.equal(200);
    });

    it('PUT /channel moving the URL with the key left out or masked is refused', async () => {
      for (const body of [{ baseUrl: `${echo.url}/v1` }, { baseUrl: `${echo.url}/v1`, apiKey: 'sk-****abcd' }, { baseUrl: `${echo.url}/v1`, apiKey: '' }]) {
        const res = await asAdmin('PUT', `/api/group-admin/${GROUP}/channel`, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.details[0].path).to.equal('body.apiKey');
      }
      expect(await storedChannel()).to.include({ baseUrl: up.baseUrl('openai'), apiKey: GROUP_KEY });
    });

    it('PUT /config moving the URL of the channel or of a listed one with the stored key is refused', async () => {
      let res = await asAdmin('PUT', `/api/group-admin/${GROUP}/config`, { independentChannel: { baseUrl: `${echo.url}/v1` } });
      expect(res.status).to.equal(400);
      expect(res.body.details[0].path).to.equal('body.independentChannel.apiKey');
      res = await asAdmin('PUT', `/api/group-admin/${GROUP}/config`, { independentChannel: { channels: [{ id: 'c1', baseUrl: `${echo.url}/v1`, apiKey: '****efgh' }] } });
      expect(res.status).to.equal(400);
      expect(res.body.details[0].path).to.equal('body.independentChannel.channels.0.apiKey');
      const stored = await storedChannel();
      expect(stored.baseUrl).to.equal(up.baseUrl('openai'));
      expect(stored.channels[0]).to.include({ baseUrl: up.baseUrl('openai'), apiKey: LISTED_KEY });
    });

    it('so the masked key can never be fetched with at the new URL; the key sent again in full is accepted', async () => {
      await allowPrivateNetwork(true);
      try {
        const res = await fetchModels({ baseUrl: `${echo.url}/v1`, apiKey: 'sk-****abcd' });
        expect(res.status).to.equal(400);
        expect(echo.requests).to.have.length(0);
        const moved = await asAdmin('PUT', `/api/group-admin/${GROUP}/channel`, { baseUrl: `${echo.url}/v1`, apiKey: ADMIN_KEY });
        expect(moved.status).to.equal(200);
        expect(await storedChannel()).to.include({ baseUrl: `${echo.url}/v1`, apiKey: ADMIN_KEY });
      } finally {
        await allowPrivateNetwork(false);
      }
    });
  });

  describe('the server log', () => {
    it('logged the failures above without any key in clear', () => {
      expect(s.output()).to.include('The upstream did not list its models');
      expect(s.output()).not.to.include('SECRET');
    });
  });
});
