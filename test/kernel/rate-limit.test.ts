import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { startServer, type Reply, type TestServer } from '../support/server.ts';

/** Behind one trusted proxy, the rightmost X-Forwarded-For entry is the client's address. */
const from = (address: string) => ({ 'x-forwarded-for': address });

const statuses = (replies: Reply[]) => replies.map((r) => r.status);

async function times(n: number, send: () => Promise<Reply>): Promise<Reply[]> {
  const replies = [];
  for (let i = 0; i < n; i++) replies.push(await send());
  return replies;
}

describe('requests refused for their credentials count against the rate limit (docs/http.md#rate-limit)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ env: { RATE_LIMIT_MAX: '5', TRUST_PROXY: '1' } });
  });
  after(async () => s?.stop());

  it('answers a flood without a token 401 up to the limit of its address, then 429 with Retry-After', async () => {
    const replies = await times(7, () => s.request('GET', '/api/system/status', { token: null, headers: from('203.0.113.1') }));
    expect(statuses(replies)).to.deep.equal([401, 401, 401, 401, 401, 429, 429]);
    expect(replies[0].body.code).to.equal('UNAUTHORIZED');
    expect(replies[0].headers.get('x-ratelimit-remaining')).to.equal('4');
    expect(replies[5].body).to.include({ success: false, code: 'RATE_LIMITED' });
    expect(Number(replies[5].headers.get('retry-after'))).to.be.within(1, 60);
  });

  it('counts bad tokens, in the header or the cookie, and unknown /api paths alike', async () => {
    const address = from('203.0.113.2');
    const replies = [
      ...(await times(3, () => s.request('GET', '/api/presets', { token: 'not.a.jwt', headers: address }))),
      await s.request('GET', '/api/presets', { token: null, headers: { ...address, cookie: 'auth_token=forged' } }),
      await s.request('GET', '/api/no-such-thing', { token: null, headers: address }),
      await s.request('GET', '/api/presets', { token: 'not.a.jwt', headers: address }),
    ];
    expect(statuses(replies)).to.deep.equal([401, 401, 401, 401, 401, 429]);
    expect(replies[0].body.code).to.equal('INVALID_TOKEN');
  });

  it('counts a group admin refused a route it may not use, by its user', async () => {
    const groupToken = await s.loginAs({ groupId: 'g1' });
    const replies = await times(6, () => s.request('GET', '/api/presets', { token: groupToken, headers: from('203.0.113.3') }));
    expect(statuses(replies)).to.deep.equal([403, 403, 403, 403, 403, 429]);
  });

  it('never limits the health check, even for an address over its limit', async () => {
    const replies = await times(10, () => s.request('GET', '/api/system/health', { token: null, headers: from('203.0.113.1') }));
    expect(statuses(replies).every((x) => x === 200)).to.equal(true);
  });

  it('counts WebSocket upgrades against their address: a guessed socket token meets 429 and gets no verdict past it', async () => {
    expect((await s.request('PUT', '/api/config/onebot', { body: { accessToken: 'the-right-token' } })).status).to.equal(200);
    /** An upgrade's answer status: 101 when it is upgraded, else the refusal's, with its Retry-After. */
    const upgrade = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; retryAfter?: string }>((resolve, reject) => {
        const req = httpRequest(`${s.url}${path}`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'x-self-id': '10001', ...headers } });
        req.on('upgrade', (res, socket) => (socket.destroy(), resolve({ status: res.statusCode! })));
        req.on('response', (res) => (res.resume(), resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] })));
        req.on('error', reject);
        req.end();
      });
    const address = from('203.0.113.4');
    const wrong = { ...address, authorization: 'Bearer a-guess' };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await upgrade('/onebot/v11/ws', wrong));
    answers.push(await upgrade('/no-socket-here', address));
    const right = await upgrade('/onebot/v11/ws', { ...address, authorization: 'Bearer the-right-token' });
    expect(answers.map((a) => a.status)).to.deep.equal([401, 401, 401, 401, 404]);
    expect(right.status, 'the right token past the limit').to.equal(429);
    expect(Number(right.retryAfter)).to.be.within(1, 60);
    // The address's HTTP requests share that budget; another address's upgrade goes through.
    expect((await s.request('GET', '/api/presets', { token: null, headers: address })).status).to.equal(429);
    expect((await upgrade('/onebot/v11/ws', { ...from('203.0.113.5'), authorization: 'Bearer the-right-token' })).status).to.equal(101);
  });

  it('leaves a logged-in user on that address, and other addresses, alone', async () => {
    expect((await s.request('GET', '/api/system/status', { headers: from('203.0.113.1') })).status).to.equal(200);
    expect((await s.request('GET', '/api/system/status', { token: null, headers: from('203.0.113.9') })).status).to.equal(401);
  });
});

describe('the web panel’s own budget (README, Environment)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ env: { RATE_LIMIT_MAX: '4', PANEL_RATE_LIMIT_MAX: '8' } });
  });
  after(async () => s?.stop());

  /** What the panel's fetch sends: the cookie, and the browser's verdict that the page is this server's. */
  const panel = () => s.request('GET', '/api/system/status', { token: null, headers: { cookie: `auth_token=${s.token}`, 'sec-fetch-site': 'same-origin' } });
  const script = () => s.request('GET', '/api/system/status');

  it('gives the cookie session of a same-origin page PANEL_RATE_LIMIT_MAX, apart from the Bearer budget', async () => {
    const replies = await times(9, panel);
    expect(statuses(replies)).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 200, 429]);
    expect(replies[0].headers.get('x-ratelimit-limit')).to.equal('8');
    // The same user's scripts still have their own budget, and meet 429 past RATE_LIMIT_MAX.
    expect(statuses(await times(5, script))).to.deep.equal([200, 200, 200, 200, 429]);
  });

  it('counts a cookie request without Sec-Fetch-Site (not a browser page) as a script', async () => {
    const replies = await times(1, () => s.request('GET', '/api/system/status', { token: null, headers: { cookie: `auth_token=${s.token}` } }));
    expect(statuses(replies)).to.deep.equal([429]);
    expect(replies[0].headers.get('x-ratelimit-limit')).to.equal('4');
  });
});

describe('Retry-After', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ env: { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_MS: '2500' } });
  });
  after(async () => s?.stop());

  it('is long enough: a client that waits that long is let in again', async () => {
    const replies = await times(3, () => s.request('GET', '/api/system/status'));
    expect(statuses(replies)).to.deep.equal([200, 200, 429]);
    // The window ends 2.5 s after the first request: koa-ratelimit's own figure, rounded down, was short.
    const wait = Number(replies[2].headers.get('retry-after'));
    expect(wait).to.be.within(1, 3);
    await new Promise((ok) => setTimeout(ok, wait * 1000));
    expect((await s.request('GET', '/api/system/status')).status).to.equal(200);
  });
});
