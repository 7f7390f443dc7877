/**
 * Access is decided on the route that answers (docs/http.md#paths-and-methods): no spelling of a path — other letter
 * case, a trailing slash, `//`, `%2F` — reaches a route without its token, and what a browser sends
 * by itself (the cookie, a form, `?token=`) cannot change state from another site.
 */
import { expect } from 'chai';
import { createLoginToken } from '../../kernel/auth/login-tokens.ts';
import { startServer, type TestServer } from '../support/server.ts';

type Operation = { method: string; path: string; public: boolean };

/** Every operation of the OpenAPI document, path parameters filled in. */
async function operations(s: TestServer): Promise<Operation[]> {
  const doc = (await s.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: template.replace(/\{groupId\}/g, '123').replace(/\{[^}]+\}/g, 'x'),
      public: Array.isArray(op.security) && op.security.length === 0,
    })),
  );
}

/** The spellings a probe tries: each must be refused without a token. */
function spellings(path: string): string[] {
  const upper = path.toUpperCase();
  let flip = false;
  const mixed = path.replace(/[a-z]/gi, (ch) => ((flip = !flip) ? ch.toUpperCase() : ch.toLowerCase()));
  const second = path.indexOf('/', 1);
  const forms = [upper, mixed, `${path}/`, `/${path}`, `${upper}/`];
  if (second > 0) {
    forms.push(`${path.slice(0, second)}/${path.slice(second)}`, `${path.slice(0, second)}%2F${path.slice(second + 1)}`, `${path.slice(0, second)}%2f${path.slice(second + 1)}`);
    forms.push(`${upper.slice(0, second)}%2F${upper.slice(second + 1)}`);
  }
  return forms.filter((f) => f !== path);
}

describe('route access (docs/http.md#paths-and-methods: decided on the matched route)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => s?.stop());

  it('refuses every route of the OpenAPI document, in every other spelling, without a token', async () => {
    const ops = await operations(s);
    expect(ops.length).to.be.greaterThan(100);
    const answered: string[] = [];
    for (const op of ops) {
      for (const path of spellings(op.path)) {
        const res = await s.request(op.method, path, { token: null, body: op.method === 'GET' || op.method === 'HEAD' ? undefined : {} });
        if (res.status < 400 || res.status >= 500) answered.push(`${op.method} ${path} → ${res.status}`);
      }
    }
    expect(answered).to.deep.equal([]);
  });

  it('refuses every non-public /api route in its own spelling without a token', async () => {
    const open = (await operations(s)).filter((op) => !op.public && op.path.startsWith('/api/'));
    const answered: string[] = [];
    for (const op of open) {
      const res = await s.request(op.method, op.path, { token: null, body: op.method === 'GET' ? undefined : {} });
      if (res.status !== 401) answered.push(`${op.method} ${op.path} → ${res.status}`);
    }
    expect(answered).to.deep.equal([]);
  });

  it('gives no login link for POST /API/auth/login-links, and no 500 for GET /API/auth/verify', async () => {
    const links = await s.request('POST', '/API/auth/login-links', { token: null, body: {} });
    expect(links.status).to.equal(401);
    expect(links.text).not.to.match(/token=/);
    for (const [method, path] of [['POST', '/API/auth/token/permanent'], ['DELETE', '/API/auth/token/permanent'], ['GET', '/API/AUTH/TOKEN/STATUS'], ['GET', '/API/auth/verify']]) {
      expect((await s.request(method, path, { token: null })).status, `${method} ${path}`).to.equal(401);
    }
  });

  it('serves a route in its own spelling only, also with a token', async () => {
    expect((await s.request('GET', '/api/system/status')).status).to.equal(200);
    for (const path of ['/api/system/status/', '/API/system/status', '/api//system/status', '/api/system//status']) {
      expect((await s.request('GET', path)).status, path).to.equal(404);
    }
  });

  it('keeps a group admin to the routes that admit one, for its own group, in any spelling', async () => {
    const groupToken = await s.loginAs({ groupId: '123' });
    expect((await s.request('GET', '/api/group-admin/123/config', { token: groupToken })).status).to.equal(200);
    expect((await s.request('GET', '/api/auth/verify', { token: groupToken })).status).to.equal(200);
    for (const path of ['/api/group-admin/124/config', '/API/group-admin/123/config', '/api/group-admin/123/config/', '/api/system/status', '/api/openapi.json', '/api/group-admin/12%34/config']) {
      expect((await s.request('GET', path, { token: groupToken })).status, path).to.be.oneOf([403, 404]);
    }
    expect((await s.request('POST', '/api/auth/login-links', { token: groupToken, body: { groupId: '123' } })).status).to.equal(403);
  });

  describe('what a browser sends by itself (finding 6 and 12 of the probe)', () => {
    let cookie: string;
    before(async () => {
      const login = await s.request('POST', '/api/auth/login', { token: null, body: { token: (await createLoginToken(s.dataDir, { kind: 'temporary' })).token } });
      cookie = login.headers.get('set-cookie')!.split(';')[0];
    });

    it('refuses a cookie-authenticated change from another origin, and lets the same origin through', async () => {
      const evil = await s.request('POST', '/api/mcp/servers', {
        token: null,
        headers: { cookie, origin: 'https://evil.example' },
        body: { name: 'evil', command: 'node', args: ['-e', 'require("fs").writeFileSync("pwned", "")'] },
      });
      expect(evil.status).to.equal(403);
      const sibling = await s.request('PUT', '/api/config', { token: null, headers: { cookie, origin: 'http://127.0.0.1:1' }, body: { basic: { debug: true } } });
      expect(sibling.status).to.equal(403);
      const site = await s.request('PUT', '/api/config', { token: null, headers: { cookie, 'sec-fetch-site': 'same-site' }, body: { basic: { debug: true } } });
      expect(site.status).to.equal(403);
      expect((await s.request('GET', '/api/mcp/servers')).body.data.map((m: { name: string }) => m.name)).not.to.include('evil');

      const own = await s.request('PUT', '/api/config', { token: null, headers: { cookie, origin: s.url }, body: { basic: { debug: false } } });
      expect(own.status).to.equal(200);
      const fetched = await s.request('PUT', '/api/config', { token: null, headers: { cookie, 'sec-fetch-site': 'same-origin' }, body: { basic: { debug: false } } });
      expect(fetched.status).to.equal(200);
      const read = await s.request('GET', '/api/config', { token: null, headers: { cookie, origin: 'https://evil.example' } });
      expect(read.status, 'a read changes nothing').to.equal(200);
    });

    it('refuses a login posted from another origin, and sets no cookie', async () => {
      const { token } = await createLoginToken(s.dataDir, { kind: 'temporary' });
      const res = await s.request('POST', '/api/auth/login', { token: null, headers: { origin: 'https://evil.example' }, body: { token } });
      expect(res.status).to.equal(403);
      expect(res.headers.get('set-cookie')).to.equal(null);
      expect((await s.request('POST', '/api/auth/login', { token: null, body: { token } })).status, 'the token was not spent').to.equal(200);
    });

    it('answers 415 for a form or text/plain body on a JSON route, whatever the credentials', async () => {
      const form = await s.request('POST', '/api/auth/login-links', { raw: 'kind=permanent', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(form.status).to.equal(415);
      expect(form.body.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
      expect(form.body.error).to.match(/application\/json/);
      const config = await s.request('PUT', '/api/config', { raw: 'basic[debug]=true', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(config.status).to.equal(415);
      const yamlAsText = await s.request('POST', '/api/config/import', { raw: 'basic:\n  debug: true\n', headers: { 'content-type': 'text/plain' } });
      expect(yamlAsText.status).to.equal(415);
      const multipart = await s.request('POST', '/api/presets', { raw: '--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
      expect(multipart.status).to.equal(415);
    });

    it('reads YAML as text/yaml or application/yaml where a route documents it', async () => {
      for (const type of ['text/yaml', 'application/yaml']) {
        const res = await s.request('POST', '/api/config/validate', { raw: 'basic:\n  debug: true\n', headers: { 'content-type': type } });
        expect(res.status, type).to.equal(200);
      }
    });

    it('takes ?token= on event streams only', async () => {
      const exported = await s.request('GET', `/api/config/export?token=${s.token}`, { token: null });
      expect(exported.status).to.equal(401);
      const controller = new AbortController();
      const res = await fetch(`${s.url}/api/system/events?token=${s.token}`, { signal: controller.signal });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
      controller.abort();
    });
  });
});
