import { expect } from 'chai';
import { startServer, type TestServer } from '../support/server.ts';
import { readFrames } from '../support/sse.ts';

describe('GET /api/system/events (docs/http.md#event-streams)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ modules: { fixtures: ['echo'] } });
  });
  after(async () => {
    await s?.stop();
  });

  it('sends unnamed data frames with a type for EventSource onmessage, authenticated by ?token=', async () => {
    const res = await fetch(`${s.url}/api/system/events?token=${s.token}`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/text\/event-stream/);
    const reading = readFrames(res, (f) => f.some((x) => x.includes('"module-loaded"')));
    await new Promise((r) => setTimeout(r, 100));
    await s.request('POST', '/api/system/modules/echo/reload');
    const frames = await reading;
    const data = frames.filter((f) => f.startsWith('data: ')).map((f) => JSON.parse(f.slice(6)));
    expect(data[0].type).to.equal('connected');
    const loaded = data.find((d) => d.type === 'module-loaded');
    expect(loaded).to.include({ name: 'echo' });
    expect(frames.some((f) => f.startsWith('event:'))).to.equal(false);
  });

  it('sends named frames with ?named=1, including module-failed', async () => {
    const res = await fetch(`${s.url}/api/system/events?named=1`, { headers: { authorization: `Bearer ${s.token}` } });
    const reading = readFrames(res, (f) => f.some((x) => x.includes('module-failed')));
    await new Promise((r) => setTimeout(r, 100));
    await s.modules!.write('echo/version.ts', 'export const VERSION = ;');
    const frames = await reading;
    const failed = frames.find((f) => f.startsWith('event: module-failed'))!;
    expect(failed).to.be.a('string');
    expect(JSON.parse(failed.split('\ndata: ')[1])).to.include({ type: 'module-failed', name: 'echo' });
  });

  it('refuses ?token= on anything but GET, and a stream without a token', async () => {
    expect((await fetch(`${s.url}/api/system/events`)).status).to.equal(401);
    expect((await fetch(`${s.url}/api/system/modules/echo/reload?token=${s.token}`, { method: 'POST' })).status).to.equal(401);
  });

  it('releases the listener when the client goes away', async () => {
    const before = (await s.request('GET', '/api/system/status')).body.data.requests.inflight;
    const controller = new AbortController();
    const res = await fetch(`${s.url}/api/system/events?token=${s.token}`, { signal: controller.signal });
    await readFrames(res, (f) => f.length > 0).catch(() => []);
    controller.abort();
    await new Promise((r) => setTimeout(r, 200));
    const after = (await s.request('GET', '/api/system/status')).body.data.requests.inflight;
    expect(after).to.equal(before);
  });
});
