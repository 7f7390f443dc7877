import { expect } from 'chai';
import { chatStream } from '../modules/chat/sse-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { readFrames } from '../support/sse.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

const CAP = 20;

describe('event streams per user (docs/http.md#connections: 20 at most)', function () {
  this.timeout(30_000);
  let s: TestServer;
  let up: Upstream;
  const streams: AbortController[] = [];

  /** Opens `GET path` as an event stream with the given token; the stream stays open until aborted. */
  const openStream = async (path: string, token: string) => {
    const controller = new AbortController();
    const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    if (res.status === 200) streams.push(controller);
    return { res, controller };
  };

  before(async () => {
    [s, up] = await Promise.all([startServer(), startUpstream()]);
    const channel = await s.request('POST', '/api/channels', {
      body: { id: 'oa', name: 'OA', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-streams-SECRET-0000-abcd', models: ['gpt-4o'] },
    });
    expect(channel.status).to.equal(201);
  });
  after(async () => {
    for (const c of streams.splice(0)) c.abort();
    await Promise.all([s?.stop(), up?.close()]);
  });

  it('lets one user hold 20 streams, answers the 21st 429 on every streaming route, and lets a new one in once one closes', async () => {
    // Two logins of the master are one user: the cap is per user, not per token.
    const other = await s.loginAs({});
    for (let i = 0; i < CAP; i++) {
      const { res } = await openStream(i % 2 ? '/api/system/events' : '/api/skills/sse', i < CAP / 2 ? s.token : other);
      expect(res.status, `stream ${i + 1}`).to.equal(200);
    }
    const refused = await openStream('/api/system/events', s.token);
    expect(refused.res.status).to.equal(429);
    expect(await refused.res.json()).to.deep.include({ success: false, code: 'RATE_LIMITED' }).and.have.property('error').that.match(/20 per user/);
    const chat = await chatStream(s, { message: 'hi', userId: 'u1' });
    expect(chat.status).to.equal(429);
    expect(chat.json).to.include({ code: 'RATE_LIMITED' });

    streams.shift()!.abort();
    // The server notices the closed stream at once; allow it a moment.
    let again: Response | undefined;
    for (let tries = 0; tries < 20 && again?.status !== 200; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      again = (await openStream('/api/system/events', s.token)).res;
    }
    expect(again!.status).to.equal(200);
    expect((await readFrames(again!, (frames) => frames.length > 1)).join('\n')).to.include('"connected"');
  });
});
