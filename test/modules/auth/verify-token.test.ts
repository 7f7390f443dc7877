/**
 * The original's `GET /api/auth/verify-token?token=` (docs/statistics.md#original-paths): a GET never consumes a
 * login token (docs/http.md#authentication), so it exchanges only the permanent one, answers like
 * POST /api/auth/login without the cookie, leaves a temporary one usable, and sits behind the same
 * login guard.
 */
import { expect } from 'chai';
import { createLoginToken } from '../../../kernel/auth/login-tokens.ts';
import { startServer, type TestServer } from '../../support/server.ts';

const PATH = '/api/auth/verify-token';
const UNKNOWN = 'f'.repeat(64);

describe('GET /api/auth/verify-token (the original\'s exchange over a GET)', () => {
  let s: TestServer;
  let permanent: string;
  const verify = (token?: string) => s.request('GET', token === undefined ? PATH : `${PATH}?token=${encodeURIComponent(token)}`, { token: null });
  const temporary = async (groupId?: string) => (await createLoginToken(s.dataDir, { kind: 'temporary', groupId })).token;

  before(async () => {
    s = await startServer({ modules: { real: ['auth', 'system'] }, env: { LOG_LEVEL: 'debug' } });
    permanent = (await createLoginToken(s.dataDir, { kind: 'permanent' })).token;
  });
  after(async () => s?.stop());

  it('exchanges the permanent token for a JWT, as often as asked, without a cookie', async () => {
    for (let i = 0; i < 2; i += 1) {
      const res = await verify(permanent);
      expect(res.status).to.equal(200);
      expect(res.headers.get('set-cookie')).to.equal(null);
      expect(res.body.data.expiresIn).to.be.within(2592000 - 5, 2592000);
      const me = await s.request('GET', '/api/auth/verify', { token: res.body.data.token });
      expect([me.status, me.body.data.role]).to.deep.equal([200, 'master']);
    }
  });

  it('answers like POST /api/auth/login, apart from the cookie', async () => {
    const [get, post] = [await verify(permanent), await s.request('POST', '/api/auth/login', { body: { token: permanent }, token: null })];
    const shape = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, k === 'role' ? v : typeof v]));
    expect(shape(get.body.data)).to.deep.equal(shape(post.body.data));
    expect(post.headers.get('set-cookie')).to.match(/auth_token=/);
  });

  it('refuses a temporary token (a group one too) with 400 TEMPORARY_TOKEN and leaves it for POST /api/auth/login', async () => {
    for (const groupId of [undefined, '10001']) {
      const token = await temporary(groupId);
      const res = await verify(token);
      expect([res.status, res.body.code]).to.deep.equal([400, 'TEMPORARY_TOKEN']);
      expect(res.body.error).to.include('POST /api/auth/login');
      const login = await s.request('POST', '/api/auth/login', { body: { token }, token: null });
      expect(login.status, 'the token is still usable').to.equal(200);
      expect(login.body.data.role).to.equal(groupId ? 'group-admin' : 'master');
    }
  });

  it('answers 400 VALIDATION_ERROR without a token and 401 INVALID_TOKEN for an unknown or used one', async () => {
    for (const token of [undefined, '']) {
      const res = await verify(token);
      expect([res.status, res.body.code], JSON.stringify(token)).to.deep.equal([400, 'VALIDATION_ERROR']);
      expect(JSON.stringify(res.body.details)).to.include('token');
    }
    const used = await temporary();
    await s.request('POST', '/api/auth/login', { body: { token: used }, token: null });
    for (const token of [UNKNOWN, used, 'not-a-token']) {
      const res = await verify(token);
      expect([res.status, res.body.code], token).to.deep.equal([401, 'INVALID_TOKEN']);
    }
    expect((await verify(permanent)).status, 'a success clears the failures').to.equal(200);
  });

  it('is public and deprecated in GET /api/openapi.json', async () => {
    const op = (await s.request('GET', '/api/openapi.json')).body.paths[PATH].get;
    expect(op.deprecated).to.equal(true);
    expect(op.security).to.deep.equal([]);
  });

  it('never writes a login token to the log, even at debug level', async () => {
    const output = s.output();
    for (const token of [permanent, UNKNOWN]) expect(output).to.not.include(token);
  });

  it('shares the login guard with POST /api/auth/login: after five failures even the permanent token meets 429', async () => {
    expect((await verify(permanent)).status).to.equal(200);
    for (let i = 0; i < 3; i += 1) expect((await s.request('POST', '/api/auth/login', { body: { token: UNKNOWN }, token: null })).status).to.equal(401);
    for (let i = 0; i < 2; i += 1) expect((await verify(UNKNOWN)).status).to.equal(401);
    const refused = await verify(permanent);
    expect([refused.status, refused.body.code]).to.deep.equal([429, 'RATE_LIMITED']);
    expect(Number(refused.headers.get('retry-after'))).to.be.above(0);
    const token = await temporary();
    expect((await verify(token)).status, 'before the token store is read').to.equal(429);
    expect((await s.request('POST', '/api/auth/login', { body: { token }, token: null })).status).to.equal(429);
  });
});
