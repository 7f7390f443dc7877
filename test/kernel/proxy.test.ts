import { expect } from 'chai';
import { readSettings } from '../../kernel/env.ts';
import { startServer, type TestServer } from '../support/server.ts';

/** What a client behind `hops` proxies can make arrive: its own forged entries, then what each proxy appended. */
const forwardedFor = (...entries: string[]) => ({ 'x-forwarded-for': entries.join(', ') });

describe('TRUST_PROXY: the client address behind reverse proxies (docs/http.md#rate-limit)', () => {
  describe('TRUST_PROXY=1 (one proxy: the rightmost X-Forwarded-For entry is the client)', () => {
    let s: TestServer;
    before(async () => {
      s = await startServer({ env: { TRUST_PROXY: '1', RATE_LIMIT_MAX: '8' } });
    });
    after(async () => s?.stop());

    it('keeps the login guard on a client that rotates the leftmost entries', async () => {
      const answers = [];
      for (let i = 0; i < 6; i++) {
        const res = await s.request('POST', '/api/auth/login', { body: { token: 'f'.repeat(64) }, token: null, headers: forwardedFor(`10.0.${i}.1`, '203.0.113.7') });
        answers.push(res.status);
        if (i === 5) expect(res.body.error).to.match(/failed logins/);
      }
      expect(answers).to.deep.equal([401, 401, 401, 401, 401, 429]);
    });

    it('keeps the rate limit on a client that rotates the leftmost entries', async () => {
      const answers = [];
      for (let i = 0; i < 9; i++) {
        // An empty login body: a 400 that the rate limit counts and the login guard does not.
        const res = await s.request('POST', '/api/auth/login', { body: {}, token: null, headers: forwardedFor(`10.1.${i}.1`, '198.51.100.9') });
        answers.push(res.status);
      }
      expect(answers).to.deep.equal([400, 400, 400, 400, 400, 400, 400, 400, 429]);
      // Another client behind the same proxy is its own.
      expect((await s.request('POST', '/api/auth/login', { body: {}, token: null, headers: forwardedFor('198.51.100.10') })).status).to.equal(400);
    });
  });

  describe('TRUST_PROXY=2 (two proxies: the second entry from the right is the client)', () => {
    let s: TestServer;
    before(async () => {
      s = await startServer({ env: { TRUST_PROXY: '2', RATE_LIMIT_MAX: '3' } });
    });
    after(async () => s?.stop());

    it('keys on the entry the outer proxy appended, whatever the client put before it', async () => {
      const answers = [];
      for (let i = 0; i < 4; i++) {
        const res = await s.request('POST', '/api/auth/login', { body: {}, token: null, headers: forwardedFor(`10.2.${i}.1`, '192.0.2.44', '10.255.0.1') });
        answers.push(res.status);
      }
      expect(answers).to.deep.equal([400, 400, 400, 429]);
    });
  });

  it('reads TRUST_PROXY as a number of hops: unset, 0 or false none, true one', () => {
    expect(readSettings({}).trustProxyHops).to.equal(0);
    expect(readSettings({ TRUST_PROXY: 'false' }).trustProxyHops).to.equal(0);
    expect(readSettings({ TRUST_PROXY: 'true' }).trustProxyHops).to.equal(1);
    expect(readSettings({ TRUST_PROXY: '1' }).trustProxyHops).to.equal(1);
    expect(readSettings({ TRUST_PROXY: '3' }).trustProxyHops).to.equal(3);
    expect(() => readSettings({ TRUST_PROXY: 'yes' })).to.throw(/TRUST_PROXY="yes"/);
  });
});
