import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLoginToken } from '../../kernel/auth/login-tokens.ts';
import { ROOT, startServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);

async function loginLink(dataDir: string, ...args: string[]): Promise<{ url: string; token: string; expiresAt: number | null }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/login-link.ts'), '--json', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
  });
  return JSON.parse(stdout);
}

describe('auth (docs/api.md#auth, docs/http.md#authentication)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => s?.stop());

  const login = (token: string, client?: string) =>
    s.request('POST', '/api/auth/login', { body: { token }, token: null, headers: client ? { 'x-forwarded-for': client } : {} });

  describe('POST /api/auth/login', () => {
    it('exchanges a temporary token once, sets an HttpOnly SameSite=Strict cookie', async () => {
      const { token } = await createLoginToken(s.dataDir, { kind: 'temporary' });
      const first = await login(token);
      expect(first.status).to.equal(200);
      expect(first.body.data.token).to.be.a('string');
      expect(first.body.data.expiresIn).to.be.closeTo(30 * 24 * 3600, 5);
      const cookie = first.headers.get('set-cookie')!;
      expect(cookie).to.match(/^auth_token=/).and.match(/httponly/i).and.match(/samesite=strict/i).and.match(/path=\//i);
      const again = await login(token);
      expect(again.status).to.equal(401);
      expect(again.body.code).to.equal('INVALID_TOKEN');
    });

    it('accepts the cookie as credentials', async () => {
      const { token } = await createLoginToken(s.dataDir, { kind: 'temporary' });
      const cookie = (await login(token)).headers.get('set-cookie')!.split(';')[0];
      const res = await s.request('GET', '/api/auth/verify', { token: null, headers: { cookie } });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ valid: true, role: 'master' });
    });

    it('refuses an expired temporary token', async () => {
      const { token } = await createLoginToken(s.dataDir, { kind: 'temporary' });
      const dir = path.join(s.dataDir, 'login-tokens');
      const { createHash } = await import('node:crypto');
      const file = path.join(dir, `${createHash('sha256').update(token).digest('hex')}.json`);
      await writeFile(file, JSON.stringify({ expiresAt: Date.now() - 1 }));
      expect((await login(token)).body.code).to.equal('INVALID_TOKEN');
    });

    it('answers 400 for a body without a token and for wrong types', async () => {
      expect((await s.request('POST', '/api/auth/login', { body: {}, token: null })).status).to.equal(400);
      const typed = await s.request('POST', '/api/auth/login', { body: { token: 42 }, token: null });
      expect(typed.status).to.equal(400);
      expect(typed.body.details[0].path).to.equal('body.token');
    });

    it('keeps the permanent token valid for many logins until rotated', async () => {
      const first = await loginLink(s.dataDir, '--permanent');
      expect(first.expiresAt).to.equal(null);
      expect((await login(first.token)).status).to.equal(200);
      expect((await login(first.token)).status).to.equal(200);
      expect((await loginLink(s.dataDir, '--permanent')).token).to.equal(first.token);
      const rotated = await loginLink(s.dataDir, '--permanent', '--rotate');
      expect(rotated.token).not.to.equal(first.token);
      expect((await login(first.token)).status).to.equal(401);
      expect((await login(rotated.token)).status).to.equal(200);
    });

    it('accepts a token printed by `npm run login-link` while the server runs, within a second', async () => {
      const link = await loginLink(s.dataDir);
      expect(link.url).to.equal(`${s.url}/login?token=${link.token}`);
      expect(link.expiresAt).to.be.closeTo(Date.now() + 5 * 60_000, 10_000);
      const started = Date.now();
      expect((await login(link.token)).status).to.equal(200);
      expect(Date.now() - started).to.be.lessThan(1000);
    });
  });

  describe('GET /login', () => {
    it('serves the login page without consuming the token', async () => {
      const { token } = await createLoginToken(s.dataDir, { kind: 'temporary' });
      for (let i = 0; i < 3; i++) {
        const page = await s.request('GET', `/login?token=${token}`, { token: null });
        expect(page.status).to.equal(200);
        expect(page.headers.get('content-type')).to.match(/html/);
        expect(page.text).to.include("fetch('api/auth/login'");
        expect(page.text).not.to.include(token);
      }
      expect((await login(token)).status).to.equal(200);
    });
  });

  describe('logout and refresh', () => {
    it('revokes the token on logout, and the revocation survives a restart', async () => {
      const { token } = await createLoginToken(s.dataDir, { kind: 'temporary' });
      const jwtToken = (await login(token)).body.data.token;
      expect((await s.request('GET', '/api/auth/verify', { token: jwtToken })).status).to.equal(200);
      const out = await s.request('POST', '/api/auth/logout', { token: jwtToken });
      expect(out.status).to.equal(200);
      expect(out.headers.get('set-cookie')).to.match(/auth_token=;/);
      const after = await s.request('GET', '/api/auth/verify', { token: jwtToken });
      expect(after.status).to.equal(401);
      expect(after.body.code).to.equal('INVALID_TOKEN');
      await s.restart();
      s.token = await s.loginAs({});
      expect((await s.request('GET', '/api/auth/verify', { token: jwtToken })).status).to.equal(401);
    });

    it('issues a new token on refresh and revokes the old one', async () => {
      const old = await s.loginAs({});
      const res = await s.request('POST', '/api/auth/refresh', { token: old });
      expect(res.status).to.equal(200);
      expect((await s.request('GET', '/api/auth/verify', { token: res.body.data.token })).status).to.equal(200);
      expect((await s.request('GET', '/api/auth/verify', { token: old })).status).to.equal(401);
    });
  });

  describe('group-bound tokens', () => {
    it('turns a group link into a group-admin JWT that reaches only its group', async () => {
      const link = await s.request('POST', '/api/auth/login-links', { body: { groupId: '12345' } });
      expect(link.status).to.equal(201);
      expect(link.body.data.url).to.match(/\/login\?token=[0-9a-f]{64}$/);
      const res = await login(link.body.data.token);
      expect(res.body.data).to.include({ role: 'group-admin', groupId: '12345' });
      expect(res.body.data.expiresIn).to.be.closeTo(24 * 3600, 5);
      const token = res.body.data.token;
      expect((await s.request('GET', '/api/auth/verify', { token })).body.data).to.include({ role: 'group-admin', groupId: '12345' });
      const denied = await s.request('GET', '/api/system/status', { token });
      expect(denied.status).to.equal(403);
      expect(denied.body.code).to.equal('FORBIDDEN');
      expect((await s.request('POST', '/api/auth/login-links', { token, body: {} })).status).to.equal(403);
      // Its own group's prefix is let through by the kernel (404 here only because no group-admin module is loaded in this test).
      expect((await s.request('GET', '/api/group-admin/12345/config', { token })).status).not.to.equal(403);
      expect((await s.request('GET', '/api/group-admin/999/config', { token })).status).to.equal(403);
      expect((await s.request('GET', '/api/group-admin/123456/config', { token })).status).to.equal(403);
    });

    it('refuses bad group ids in login links', async () => {
      const res = await s.request('POST', '/api/auth/login-links', { body: { groupId: '../x' } });
      expect(res.status).to.equal(400);
      expect(res.body.details[0].path).to.equal('body.groupId');
    });
  });

  describe('brute force', () => {
    it('answers 429 after repeated failed logins, before looking at the token', async () => {
      const { token } = await createLoginToken(s.dataDir, { kind: 'temporary' });
      const codes = [];
      for (let i = 0; i < 6; i++) codes.push((await login('f'.repeat(64))).status);
      expect(codes.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
      expect(codes[5]).to.equal(429);
      const blocked = await login(token);
      expect(blocked.status).to.equal(429);
      expect(blocked.headers.get('retry-after')).to.match(/^\d+$/);
      // The valid token was not consumed by the refused attempt.
      const { readdir } = await import('node:fs/promises');
      const { createHash } = await import('node:crypto');
      expect(await readdir(path.join(s.dataDir, 'login-tokens'))).to.include(`${createHash('sha256').update(token).digest('hex')}.json`);
    });
  });

  describe('secrets on disk', () => {
    it('keeps the JWT secret and login tokens in 0600 files', async () => {
      expect((await stat(path.join(s.dataDir, 'jwt-secret.json'))).mode & 0o777).to.equal(0o600);
      const link = await loginLink(s.dataDir, '--permanent');
      expect((await stat(path.join(s.dataDir, 'login-tokens', 'permanent.json'))).mode & 0o777).to.equal(0o600);
      expect(JSON.parse(await readFile(path.join(s.dataDir, 'jwt-secret.json'), 'utf8')).secret).to.be.a('string');
      expect(link.token).to.match(/^[0-9a-f]{64}$/);
    });
  });
});

describe('login guard under concurrent guesses (docs/http.md#authentication)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => s?.stop());

  it('counts each attempt before the token is looked up: of 50 at once, at most 5 are judged', async () => {
    const guesses = Array.from({ length: 50 }, (_, i) => s.request('POST', '/api/auth/login', { body: { token: i.toString(16).padStart(64, '0') }, token: null }));
    const statuses = (await Promise.all(guesses)).map((r) => r.status);
    expect(statuses.filter((x) => x === 401).length).to.be.at.most(5);
    expect(statuses.filter((x) => x !== 401).every((x) => x === 429)).to.equal(true);
  });
});

describe('group admins on public routes', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => s?.stop());

  it('lets a group-admin token reach the public health check', async () => {
    const token = await s.loginAs({ groupId: 'g1' });
    expect((await s.request('GET', '/api/system/health', { token })).status).to.equal(200);
  });

  it('judges each request of one keep-alive connection by the header it carries', async () => {
    const group = await s.loginAs({ groupId: 'g1' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ports = new Set<number>();
    const get = (p: string, authorization: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${s.url}${p}`, { agent, headers: { authorization } }, (res) => {
          ports.add(req.socket!.localPort!);
          res.resume().on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject).end();
      });
    try {
      const answers = [];
      for (const authorization of [`Bearer ${s.token}`, `Bearer ${group}`, 'Bearer not.a.token', `Bearer ${s.token}`, `Bearer ${s.token}x`]) {
        answers.push(await get('/api/system/status', authorization));
      }
      expect(answers).to.deep.equal([200, 403, 401, 200, 401]);
      expect(ports.size).to.equal(1); // one connection carried them all
      const logout = await s.loginAs({});
      expect(await get('/api/system/status', `Bearer ${logout}`)).to.equal(200);
      expect((await s.request('POST', '/api/auth/logout', { token: logout })).status).to.equal(200);
      expect(await get('/api/system/status', `Bearer ${logout}`)).to.equal(401);
    } finally {
      agent.destroy();
    }
  });

  it('refuses a group id with path characters in `npm run login-link -- --group`', async () => {
    const err = await loginLink(s.dataDir, '--group', '../etc').catch((e: { stderr: string; code: number }) => e);
    expect((err as { code: number }).code).to.equal(1);
    expect((err as { stderr: string }).stderr).to.match(/login-link: group id "\.\.\/etc" must be/);
  });
});
