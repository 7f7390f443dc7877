import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { startServer, type TestServer } from '../support/server.ts';

describe('HTTP conventions (docs/http.md)', () => {
  let s: TestServer;

  before(async () => {
    s = await startServer({ modules: { fixtures: ['echo'] }, env: { BODY_LIMIT: '10kb' } });
  });
  after(async () => {
    await s?.stop();
  });

  it('wraps data in the success envelope', async () => {
    const res = await s.request('GET', '/api/echo/version');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ success: true, data: { version: 'v1', options: {} } });
  });

  it('answers 400 VALIDATION_ERROR with details paths', async () => {
    const res = await s.request('POST', '/api/echo/items', { body: { n: -1, extra: true } });
    expect(res.status).to.equal(400);
    expect(res.body.success).to.equal(false);
    expect(res.body.code).to.equal('VALIDATION_ERROR');
    const paths = res.body.details.map((d: { path: string }) => d.path);
    expect(paths).to.include.members(['body.n', 'body.extra']);
  });

  it('coerces query values to their declared types', async () => {
    const res = await s.request('GET', '/api/echo/items?limit=1');
    expect(res.body.data.limitType).to.equal('number');
    const bad = await s.request('GET', '/api/echo/items?limit=abc');
    expect(bad.status).to.equal(400);
    expect(bad.body.details[0].path).to.equal('query.limit');
  });

  it('answers 400 INVALID_JSON for malformed JSON, never a 500', async () => {
    const res = await s.request('POST', '/api/echo/items', { raw: '{"n": 1,', headers: { 'content-type': 'application/json' } });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('INVALID_JSON');
  });

  it('answers 400 for a JSON body nested deeper than 64 levels, which a module would choke on', async () => {
    const deep = (levels: number) => '{"n":'.repeat(levels) + '1' + '}'.repeat(levels);
    for (const levels of [65, 1000]) {
      const res = await s.request('POST', '/api/echo/items', { raw: deep(levels), headers: { 'content-type': 'application/json' } });
      expect(res.status, `${levels} levels`).to.equal(400);
      expect(res.body.code).to.equal('VALIDATION_ERROR');
      expect(res.body.error).to.match(/^Request body: n(\.n){63} is nested more than 64 levels deep$/);
    }
    // 64 levels pass the HTTP stack and reach the route's own schema.
    const ok = await s.request('POST', '/api/echo/items', { raw: deep(63), headers: { 'content-type': 'application/json' } });
    expect(ok.body.details.map((d: { path: string }) => d.path)).to.include('body.n');
  });

  it('sets the Content-Type Koa would for a type, the first time and every time after', async () => {
    const expected: Record<string, string | null> = {
      json: 'application/json; charset=utf-8',
      html: 'text/html; charset=utf-8',
      'text/csv': 'text/csv; charset=utf-8',
      'image/png': 'image/png',
      'no-such-type': null, // Koa removes the header
    };
    for (const [type, header] of Object.entries(expected)) {
      for (const round of [1, 2, 3]) {
        const res = await s.request('GET', `/api/echo/typed?t=${encodeURIComponent(type)}`);
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type'), `${type}, request ${round}`).to.equal(header);
      }
    }
  });

  it('reads the host as Koa does, from a plain Host header and from one to split or to parse', async () => {
    const hostSeen = (host: string) =>
      new Promise<string>((resolve, reject) => {
        const req = httpRequest(`${s.url}/api/echo/host`, { headers: { host, authorization: `Bearer ${s.token}` } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve(JSON.parse(text).data.host));
        });
        req.on('error', reject).end();
      });
    expect(await hostSeen('example.test:8080')).to.equal('example.test:8080');
    expect(await hostSeen('a.example, b.example')).to.equal('a.example');
    expect(await hostSeen('user@h.example:81')).to.equal('h.example:81');
  });

  it('answers 413 PAYLOAD_TOO_LARGE above the body cap', async () => {
    const res = await s.request('POST', '/api/echo/items', { raw: JSON.stringify({ n: 1, pad: 'x'.repeat(20_000) }), headers: { 'content-type': 'application/json' } });
    expect(res.status).to.equal(413);
    expect(res.body.code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('answers 401 UNAUTHORIZED without a token and INVALID_TOKEN with a bad one', async () => {
    const none = await s.request('GET', '/api/echo/version', { token: null });
    expect(none.status).to.equal(401);
    expect(none.body.code).to.equal('UNAUTHORIZED');
    const bad = await s.request('GET', '/api/echo/version', { token: 'not.a.jwt' });
    expect(bad.status).to.equal(401);
    expect(bad.body.code).to.equal('INVALID_TOKEN');
    const forged = jwt.sign({ role: 'master', jti: 'x', sub: 'master' }, 'another-secret-of-enough-length-000000', { issuer: 'chatai-panel', audience: 'chatai-client' });
    expect((await s.request('GET', '/api/echo/version', { token: forged })).body.code).to.equal('INVALID_TOKEN');
  });

  it('refuses a token signed with another algorithm (alg pinned to HS256)', async () => {
    const none = jwt.sign({ role: 'master', jti: 'x', sub: 'master' }, '', { algorithm: 'none', issuer: 'chatai-panel', audience: 'chatai-client' } as jwt.SignOptions);
    expect((await s.request('GET', '/api/echo/version', { token: none })).body.code).to.equal('INVALID_TOKEN');
  });

  it('answers 401 TOKEN_EXPIRED for an expired token', async () => {
    const { secret } = JSON.parse(await readFile(path.join(s.dataDir, 'jwt-secret.json'), 'utf8'));
    const expired = jwt.sign({ role: 'master', jti: 'old', sub: 'master', exp: Math.floor(Date.now() / 1000) - 60 }, Buffer.from(secret, 'base64'), {
      issuer: 'chatai-panel',
      audience: 'chatai-client',
    });
    const res = await s.request('GET', '/api/echo/version', { token: expired });
    expect(res.status).to.equal(401);
    expect(res.body.code).to.equal('TOKEN_EXPIRED');
  });

  it('answers 401 TOKEN_EXPIRED for a token that worked until it expired (verified tokens are remembered, expiry is not)', async () => {
    const { secret } = JSON.parse(await readFile(path.join(s.dataDir, 'jwt-secret.json'), 'utf8'));
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = jwt.sign({ role: 'master', jti: 'short', sub: 'master', exp }, Buffer.from(secret, 'base64'), {
      issuer: 'chatai-panel',
      audience: 'chatai-client',
    });
    expect((await s.request('GET', '/api/echo/version', { token: shortLived })).status).to.equal(200);
    expect((await s.request('GET', '/api/echo/version', { token: shortLived })).status).to.equal(200);
    await new Promise((ok) => setTimeout(ok, exp * 1000 - Date.now() + 50));
    const res = await s.request('GET', '/api/echo/version', { token: shortLived });
    expect(res.status).to.equal(401);
    expect(res.body.code).to.equal('TOKEN_EXPIRED');
  });

  it('answers 404 NOT_FOUND as JSON for unknown /api paths', async () => {
    const res = await s.request('GET', '/api/no-such-module/x');
    expect(res.status).to.equal(404);
    expect(res.headers.get('content-type')).to.match(/json/);
    expect(res.body).to.deep.include({ success: false, code: 'NOT_FOUND' });
  });

  it('answers 405 METHOD_NOT_ALLOWED with Allow', async () => {
    const res = await s.request('DELETE', '/api/echo/items');
    expect(res.status).to.equal(405);
    expect(res.body.code).to.equal('METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).to.include('GET').and.include('POST');
  });

  it("passes a module's own error code through", async () => {
    const res = await s.request('GET', '/api/echo/teapot');
    expect(res.status).to.equal(418);
    expect(res.body).to.deep.equal({ success: false, error: 'I am a teapot', code: 'TEAPOT' });
  });

  it("turns a handler's throw into a 500 for that request only, without a stack, and logs the .ts line", async () => {
    const res = await s.request('GET', '/api/echo/boom');
    expect(res.status).to.equal(500);
    expect(res.body).to.deep.equal({ success: false, error: 'Internal server error', code: 'INTERNAL_ERROR' });
    expect(res.text).not.to.include('kaboom');
    expect((await s.request('GET', '/api/echo/version')).status).to.equal(200);
    // The stack in the log points at the module's TypeScript source, not the bundle.
    expect(s.output()).to.match(/kaboom from echo[\s\S]*echo\/index\.ts:\d+/);
  });

  it('answers 500 INTERNAL_ERROR in the envelope for data JSON cannot hold, and logs it with the module', async () => {
    const res = await s.request('GET', '/api/echo/bigint');
    expect(res.status).to.equal(500);
    expect(res.body).to.deep.equal({ success: false, error: 'Internal server error', code: 'INTERNAL_ERROR' });
    expect(s.output()).to.match(/GET \/api\/echo\/bigint failed in module "echo": TypeError: Do not know how to serialize a BigInt/);
  });

  it('lets public routes through without a token', async () => {
    const res = await s.request('GET', '/api/echo/public', { token: null });
    expect(res.status).to.equal(200);
    expect(res.body.data.user).to.equal(null);
    expect((await s.request('GET', '/api/system/health', { token: null })).status).to.equal(200);
  });

  it('answers requests that Node refuses before Koa (headers too large, malformed) with the JSON envelope', async () => {
    const raw = async (text: string) => {
      const socket = connect(s.port, '127.0.0.1');
      socket.end(text);
      let answer = '';
      for await (const chunk of socket) answer += chunk;
      return { status: Number(answer.slice(9, 12)), body: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) };
    };
    const big = await raw(`GET /api/system/health?${'q=1&'.repeat(5000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(big.status).to.equal(431);
    expect(big.body).to.include({ success: false, code: 'HEADERS_TOO_LARGE' });
    const garbage = await raw('HELLO THERE\r\n\r\n');
    expect(garbage.status).to.equal(400);
    expect(garbage.body).to.include({ success: false, code: 'BAD_REQUEST' });
    expect((await s.request('GET', '/api/system/health', { token: null })).status).to.equal(200);
  });

  it('answers pipelined requests on one connection in order, each with its own answer', async () => {
    // Answers ready in one event-loop turn leave together (kernel/http/send-together.ts): they must
    // still go out in request order, and never trade bodies.
    const auth = `Authorization: Bearer ${s.token}\r\n`;
    const paths = ['/api/echo/teapot', '/api/echo/version', '/api/echo/boom', '/api/echo/nowhere', '/api/echo/version'];
    const raw = paths.map((p, i) => `GET ${p} HTTP/1.1\r\nHost: x\r\n${auth}${i === paths.length - 1 ? 'Connection: close\r\n' : ''}\r\n`).join('');
    const socket = connect(s.port, '127.0.0.1');
    socket.end(raw);
    let text = '';
    for await (const chunk of socket) text += chunk;
    const answers: Array<[number, { code?: string; data?: { version?: string } }]> = [];
    while (text) {
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      const length = Number(/^content-length: (\d+)$/im.exec(head)![1]);
      answers.push([Number(head.slice(9, 12)), JSON.parse(text.slice(head.length + 4, head.length + 4 + length))]);
      text = text.slice(head.length + 4 + length);
    }
    expect(answers.map(([status]) => status)).to.deep.equal([418, 200, 500, 404, 200]);
    expect(answers[0][1].code).to.equal('TEAPOT');
    expect(answers[1][1].data?.version).to.equal('v1');
    expect(answers[2][1].code).to.equal('INTERNAL_ERROR');
    expect(answers[3][1].code).to.equal('NOT_FOUND');
  });

  it('gives each of many simultaneous requests its own answer', async () => {
    const asks = Array.from({ length: 60 }, (_, i) => ['/api/echo/version', '/api/echo/teapot', '/api/echo/items?limit=1', '/api/system/health'][i % 4]);
    const replies = await Promise.all(asks.map((p) => s.request('GET', p, { token: p.endsWith('health') ? null : undefined })));
    replies.forEach((r, i) => {
      const expected = { '/api/echo/version': 200, '/api/echo/teapot': 418, '/api/echo/items?limit=1': 200, '/api/system/health': 200 }[asks[i]];
      expect(r.status, asks[i]).to.equal(expected);
      if (asks[i] === '/api/echo/version') expect(r.body.data.version).to.equal('v1');
      if (asks[i] === '/api/echo/items?limit=1') expect(r.body.data.limitType).to.equal('number');
      if (asks[i] === '/api/system/health') expect(r.body.data.status).to.equal('healthy');
    });
  });

  it('serves the OpenAPI document bare, with summaries, security and public routes marked', async () => {
    const res = await s.request('GET', '/api/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.equal('3.1.0');
    expect(res.body.success).to.equal(undefined);
    expect(res.body.servers).to.have.length.greaterThan(0);
    const post = res.body.paths['/api/echo/items'].post;
    expect(post.summary).to.equal('Append an item');
    expect(post.requestBody.content['application/json'].schema.required).to.deep.equal(['n']);
    expect(res.body.paths['/api/system/health'].get.security).to.deep.equal([]);
    expect(res.body.components.securitySchemes).to.have.keys('bearerAuth', 'cookieAuth');
    for (const [p, ops] of Object.entries(res.body.paths as Record<string, Record<string, { summary?: string }>>)) {
      for (const [m, op] of Object.entries(ops)) expect(op.summary, `${m} ${p}`).to.be.a('string').and.not.empty;
    }
  });
});

describe('rate limit (docs/http.md#rate-limit)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ env: { RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' } });
  });
  after(async () => s?.stop());

  it('answers 429 RATE_LIMITED with Retry-After after RATE_LIMIT_MAX requests, keyed by user', async () => {
    // The login in startServer counted once for the IP; the user's own budget starts fresh.
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await s.request('GET', '/api/system/status'));
    expect(answers.slice(0, 5).map((a) => a.status)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(answers[0].headers.get('x-ratelimit-limit')).to.equal('5');
    expect(answers[4].headers.get('x-ratelimit-remaining')).to.equal('0');
    expect(answers[5].status).to.equal(429);
    expect(answers[5].body.code).to.equal('RATE_LIMITED');
    expect(Number(answers[5].headers.get('retry-after'))).to.be.greaterThan(0);
  });

  it('never limits the public health check', async () => {
    for (let i = 0; i < 10; i++) expect((await s.request('GET', '/api/system/health', { token: null })).status).to.equal(200);
  });
});
