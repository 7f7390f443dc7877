import { expect } from 'chai';
import http from 'node:http';
import { startServer, type TestServer } from '../../support/server.ts';

type Operation = { security?: unknown[]; deprecated?: boolean };
type OpenApi = { paths: Record<string, Record<string, Operation>> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Routes a group admin may use outside its group (docs/http.md#roles, and the original's verify path, §13 item 3); logout and refresh would spend the token. */
const GROUP_ADMIN_EXTRAS = ['GET /api/auth/verify', 'GET /api/group-admin/verify', 'GET /api/group-admin'];
const SPENDS_TOKEN = ['POST /api/auth/logout', 'POST /api/auth/refresh'];

/** Every documented operation, with `{groupId}` set to `groupId` and every other parameter to a placeholder. */
function operations(doc: OpenApi, groupId: string) {
  return Object.entries(doc.paths).flatMap(([template, ops]) =>
    Object.entries(ops)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        template,
        path: template.replace('{groupId}', groupId).replace(/\{[^}]+\}/g, 'x1'),
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        // The original's group-less forms act on the caller's own group (docs/statistics.md#original-paths; test/kernel/original-paths.test.ts).
        ownGroupOnly: !!op.deprecated && template.startsWith('/api/group-admin/') && !template.includes('{groupId}'),
      })),
  );
}

/** Sends a request with the path exactly as given (fetch would normalise `..` and case). */
function raw(s: TestServer, method: string, rawPath: string, token: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, method, path: rawPath, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('group-admin: roles', () => {
  let s: TestServer;
  let doc: OpenApi;
  let adminA: string;
  const A = '7001';
  const B = '7002';

  // Every real module is loaded, so that the walk covers the whole API.
  before(async () => {
    s = await startServer();
    adminA = await s.loginAs({ groupId: A });
    const res = await s.request('GET', '/api/openapi.json');
    expect(res.status).to.equal(200);
    doc = res.body;
    expect(await s.request('PUT', `/api/group-admin/${B}/config`, { body: { groupName: 'secret-of-B' } })).to.have.property('status', 200);
  });
  after(async () => {
    await s?.stop();
  });

  const send = (method: string, path: string, token: string | null) =>
    s.request(method, path, { token, body: method === 'GET' || method === 'DELETE' ? undefined : {}, signal: AbortSignal.timeout(5000) });

  describe('the group-admin routes (master, admin of A on A and on B, no token)', () => {
    const groupRoutes = () => operations(doc, '{groupId}').filter((o) => o.template.startsWith('/api/group-admin/{groupId}'));

    it('the OpenAPI document lists the per-group routes', () => {
      const listed = groupRoutes().map((o) => `${o.method} ${o.template}`);
      expect(listed).to.include.members([
        'GET /api/group-admin/{groupId}/config',
        'PUT /api/group-admin/{groupId}/config',
        'DELETE /api/group-admin/{groupId}/config',
        'GET /api/group-admin/{groupId}/effective',
      ]);
    });

    it('lets the master and the admin of A into A, keeps the admin of A out of B, and wants a token', async () => {
      const failures: string[] = [];
      for (const { method, template } of groupRoutes()) {
        const onA = template.replace('{groupId}', A);
        const onB = template.replace('{groupId}', B);
        const master = await send(method, onB, s.token);
        if ([401, 403].includes(master.status)) failures.push(`master ${method} ${onB} → ${master.status}`);
        const own = await send(method, onA, adminA);
        if ([401, 403].includes(own.status) || own.status >= 500) failures.push(`admin of A ${method} ${onA} → ${own.status}`);
        const other = await send(method, onB, adminA);
        if (other.status !== 403 || other.body?.code !== 'FORBIDDEN') failures.push(`admin of A ${method} ${onB} → ${other.status}`);
        if (other.text.includes('secret-of-B')) failures.push(`admin of A ${method} ${onB} leaked B's settings`);
        const anonymous = await send(method, onA, null);
        if (anonymous.status !== 401) failures.push(`no token ${method} ${onA} → ${anonymous.status}`);
      }
      expect(failures).to.deep.equal([]);
    });

    it('GET /api/group-admin lists only its own group for a group admin', async () => {
      const res = await s.request('GET', '/api/group-admin', { token: adminA });
      expect(res.status).to.equal(200);
      expect(res.body.data.map((g: { groupId: string }) => g.groupId)).to.deep.equal([A]);
    });
    it('never issues a login token bound to an impossible group id', async () => {
      const refused = await s.loginAs({ groupId: '..' }).then(
        () => null,
        (err: Error) => err,
      );
      expect(refused?.message).to.match(/group id "\.\." must be/);
      const res = await s.request('POST', '/api/auth/login-links', { body: { groupId: '..' } });
      expect(res.status).to.equal(400);
    });
  });

  describe('every route of /api/openapi.json with a group-admin token', () => {
    it('answers 403 FORBIDDEN outside the own group', async () => {
      const failures: string[] = [];
      let checked = 0;
      for (const op of operations(doc, B)) {
        const route = `${op.method} ${op.template}`;
        if (op.isPublic || op.ownGroupOnly || SPENDS_TOKEN.includes(route) || GROUP_ADMIN_EXTRAS.includes(route)) continue;
        const res = await send(op.method, op.path, adminA);
        checked++;
        if (res.status !== 403 || res.body?.code !== 'FORBIDDEN') failures.push(`${op.method} ${op.path} → ${res.status} ${res.text.slice(0, 120)}`);
      }
      expect(checked).to.be.greaterThan(10);
      expect(failures, 'routes that a group admin of another group reached').to.deep.equal([]);
    });

    it('still reaches its extras', async () => {
      expect((await s.request('GET', '/api/auth/verify', { token: adminA })).status).to.equal(200);
      expect((await s.request('GET', '/api/group-admin', { token: adminA })).status).to.equal(200);
    });

    it('is not let into another group by path tricks', async () => {
      const tricks = [
        `/api/group-admin/${A}/../${B}/config`,
        `/api/group-admin/${A}/%2E%2E/${B}/config`,
        `/api/group-admin/${A}%2F..%2F${B}/config`,
        `/api/group-admin/${A}%2f..%2f${B}/config`,
        `/API/group-admin/${B}/config`,
        `/api/GROUP-ADMIN/${B}/config`,
        `//api/group-admin/${B}/config`,
        `/api//group-admin/${B}/config`,
        `/api/group-admin/${B}/config/`,
        `/api/group-admin/${B}%2Fconfig`,
        `/api/group-admin/%${B.charCodeAt(0).toString(16)}${B.slice(1)}/config`,
        `/api/group-admin/${B}/config?groupId=${A}`,
      ];
      const failures: string[] = [];
      for (const path of tricks) {
        const res = await raw(s, 'GET', path, adminA);
        if (res.status < 400 || res.text.includes('secret-of-B')) failures.push(`${path} → ${res.status}`);
      }
      expect(failures).to.deep.equal([]);
    });
  });

  describe('master-only keys', () => {
    it('refuses forbidGlobal from a group admin, naming the key, and accepts it from the master', async () => {
      let res = await s.request('PUT', `/api/group-admin/${A}/config`, { token: adminA, body: { independentChannel: { forbidGlobal: false } } });
      expect(res.status).to.equal(403);
      expect(res.body.code).to.equal('FORBIDDEN');
      expect(res.body.error).to.include('independentChannel.forbidGlobal');
      res = await s.request('PUT', `/api/group-admin/${A}/channel`, { token: adminA, body: { forbidGlobal: false } });
      expect(res.status).to.equal(403);
      expect(res.body.error).to.include('forbidGlobal');

      res = await s.request('PUT', `/api/group-admin/${A}/config`, { body: { independentChannel: { forbidGlobal: true } } });
      expect(res.status).to.equal(200);
      expect(res.body.data.independentChannel.forbidGlobal).to.equal(true);
    });

    it('never shows forbidGlobal to a group admin', async () => {
      for (const p of ['config', 'effective', 'channel']) {
        const res = await s.request('GET', `/api/group-admin/${A}/${p}`, { token: adminA });
        expect(res.status, p).to.equal(200);
        expect(res.text, p).not.to.include('forbidGlobal');
      }
      expect((await s.request('GET', `/api/group-admin/${A}/channel`)).body.data.forbidGlobal).to.equal(true);
    });

    it("a group admin's reset and channel removal keep it", async () => {
      await s.request('PUT', `/api/group-admin/${A}/config`, { token: adminA, body: { groupName: 'mine' } });
      let res = await s.request('DELETE', `/api/group-admin/${A}/config`, { token: adminA });
      expect(res.status).to.equal(200);
      expect(res.body.data.groupName).to.equal('');
      res = await s.request('DELETE', `/api/group-admin/${A}/channel`, { token: adminA });
      expect(res.status).to.equal(200);
      expect((await s.request('GET', `/api/group-admin/${A}/config`)).body.data.independentChannel.forbidGlobal).to.equal(true);
      // The master's reset clears everything.
      await s.request('DELETE', `/api/group-admin/${A}/config`);
      expect((await s.request('GET', `/api/group-admin/${A}/config`)).body.data.independentChannel.forbidGlobal).to.equal(false);
    });
  });
});
