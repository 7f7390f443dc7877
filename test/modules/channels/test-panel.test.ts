/**
 * The original plugin's test panel (docs/statistics.md#original-paths): served by the channels module under
 * /api/channels/test-panel and, through its `originals`, at /api/test-panel; every operation deprecated.
 * Real server, real upstream calls to the local upstream (a stalled one for stop and disconnect).
 */
import { expect } from 'chai';
import { makeModulesDir, eventually, type ModulesDir } from '../../support/modules.ts';
import { deprecatedOperations, expectMasterOnly } from '../../support/original-paths.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { readFrames } from '../../support/sse.ts';
import { startUpstream, type RecordedRequest, type Upstream } from '../../support/upstream.ts';

const MODULES = ['auth', 'channels'];
const KEY = 'sk-test-SECRET-0000-9999-abcd';
const PANEL = '/api/test-panel';
const TARGET = '/api/channels/test-panel';

interface Event {
  event: string;
  data: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- frames of several shapes
}

/** Named SSE frames (`event:` + `data:`), comments left out. */
function parse(frames: string[]): Event[] {
  return frames
    .filter((f) => !f.startsWith(':'))
    .map((f) => {
      const event = /^event: (.+)$/m.exec(f)?.[1] ?? '';
      const data = JSON.parse(/^data: (.+)$/m.exec(f)?.[1] ?? 'null');
      return { event, data };
    });
}

describe('the test panel (/api/test-panel, the original plugin\'s, deprecated)', () => {
  let s: TestServer;
  let modules: ModulesDir;
  let up: Upstream;
  let groupToken: string;

  /** Opens a batch test as the panel does: a POST read with fetch. */
  const open = (path: string, body: unknown, signal?: AbortSignal) =>
    fetch(s.url + path, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  const complete = (frames: string[]) => frames.some((f) => f.startsWith('event: complete'));
  const activeTests = async () => (await s.request('GET', `${PANEL}/active-tests`)).body.data as Array<{ id: string; aborted: boolean; completed: number; total: number }>;
  /** Chat requests that reached the upstream. */
  const chats = () => up.requests.filter((r) => r.protocol === 'openai');

  before(async () => {
    modules = await makeModulesDir({ real: MODULES });
    [s, up] = await Promise.all([startServer({ modulesDir: modules.dir }), startUpstream()]);
    groupToken = await s.loginAs({ groupId: '10001' });
    const create = (body: Record<string, unknown>) => s.request('POST', '/api/channels', { body: { adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: KEY, ...body } });
    expect((await create({ id: 'five', name: 'Five', models: ['m1', 'm2', 'm3', 'm4', 'm5'] })).status).to.equal(201);
    expect((await create({ id: 'empty', name: 'Empty', models: [] })).status).to.equal(201);
    expect((await create({ id: 'huge', name: 'Huge', models: Array.from({ length: 201 }, (_, i) => `m${i}`) })).status).to.equal(201);
  });
  after(() => Promise.all([s?.stop(), up?.close()]).then(() => modules?.cleanup()));
  beforeEach(() => {
    up.reset();
    up.setDefault({ text: 'Hello!' });
  });

  describe('POST /api/test-panel/batch-test', () => {
    it('streams clear, start, testing, result, progress and complete as named events, each model through the upstream', async () => {
      up.enqueue({ text: 'one' }, { error: { status: 401, message: 'bad key' } });
      const res = await s.request('POST', `${PANEL}/batch-test`, { body: { channelId: 'five', models: ['a', 'b'], concurrency: 1 } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
      expect(res.text).not.to.include('SECRET');
      const events = parse(res.text.split('\n\n').filter(Boolean));
      expect(events.map((e) => e.event)).to.deep.equal(['clear', 'start', 'testing', 'result', 'progress', 'testing', 'result', 'progress', 'complete']);
      for (const e of events) expect(e.data.type, 'every frame carries its type too').to.equal(e.event);
      const [clear, start, testing, ok, progress, , failed, , done] = events.map((e) => e.data);
      expect(clear.message).to.be.a('string');
      expect(start).to.include({ total: 2, channelId: 'five', channelName: 'Five', concurrency: 1 });
      expect(start.testId).to.match(/^test_/);
      expect(testing).to.include({ model: 'a', index: 0, running: 1 });
      expect(ok).to.include({ model: 'a', index: 0, success: true, response: 'one' });
      expect(ok.elapsed).to.be.a('number');
      expect(ok.keyInfo).to.include({ index: -1, name: 'apiKey' });
      expect(progress).to.include({ completed: 1, total: 2, running: 0, successCount: 1, failCount: 0 });
      expect(failed).to.include({ model: 'b', index: 1, success: false });
      expect(failed.error).to.include('bad key');
      expect(done).to.include({ testId: start.testId, total: 2, success: 1, failed: 1, aborted: false });
      expect(done.results.map((r: { model: string }) => r.model)).to.deep.equal(['a', 'b']);
      expect(chats().map((r) => r.model)).to.deep.equal(['a', 'b']);
      expect(chats()[0].headers.authorization).to.equal(`Bearer ${KEY}`);
      expect(await activeTests()).to.deep.equal([]);
    });

    it('without clearPrevious sends no clear event; the channel\'s own models are the default', async () => {
      const res = await s.request('POST', `${PANEL}/batch-test`, { body: { channelId: 'five', clearPrevious: false } });
      const events = parse(res.text.split('\n\n').filter(Boolean));
      expect(events[0].event).to.equal('start');
      expect(events.at(-1)!.data).to.include({ total: 5, success: 5, failed: 0 });
      expect(chats().map((r) => r.model).sort()).to.deep.equal(['m1', 'm2', 'm3', 'm4', 'm5']);
    });

    it('never has more upstream requests open than the concurrency asked for', async () => {
      let open = 0;
      let most = 0;
      up.setDefault((req: RecordedRequest) => {
        most = Math.max(most, ++open);
        void req.closed.then(() => open--);
        return { text: 'ok', delayMs: 80 };
      });
      const res = await s.request('POST', `${PANEL}/batch-test`, { body: { channelId: 'five', concurrency: 2 } });
      const events = parse(res.text.split('\n\n').filter(Boolean));
      expect(events.at(-1)!.data).to.include({ total: 5, success: 5 });
      expect(most).to.equal(2);
      expect(Math.max(...events.filter((e) => e.event === 'testing').map((e) => e.data.running))).to.equal(2);
    });

    it('records each test in the channel\'s usage, as every upstream call', async () => {
      const before = (await s.request('GET', '/api/channels/stats?id=five')).body.data?.totalCalls ?? 0;
      await s.request('POST', `${PANEL}/batch-test`, { body: { channelId: 'five', models: ['x', 'y'] } });
      expect((await s.request('GET', '/api/channels/stats?id=five')).body.data.totalCalls).to.equal(before + 2);
    });

    it('refuses bad input before any stream: 404 unknown channel, 400 no models, too many models, bad concurrency', async () => {
      const cases: Array<[unknown, number, string, string?]> = [
        [{ channelId: 'nope' }, 404, 'CHANNEL_NOT_FOUND'],
        [{}, 400, 'VALIDATION_ERROR', 'body.channelId'],
        [{ channelId: 'empty' }, 400, 'VALIDATION_ERROR', 'body.models'],
        [{ channelId: 'huge' }, 400, 'VALIDATION_ERROR', 'body.models'],
        [{ channelId: 'five', models: Array.from({ length: 201 }, (_, i) => `m${i}`) }, 400, 'VALIDATION_ERROR', 'body.models'],
        [{ channelId: 'five', concurrency: 11 }, 400, 'VALIDATION_ERROR', 'body.concurrency'],
        [{ channelId: 'five', clearPrevious: 'yes' }, 400, 'VALIDATION_ERROR', 'body.clearPrevious'],
      ];
      for (const [body, status, code, field] of cases) {
        const res = await s.request('POST', `${PANEL}/batch-test`, { body });
        expect(res.status, JSON.stringify(body)).to.equal(status);
        expect(res.body).to.include({ success: false, code });
        if (field) expect(res.body.details[0].path).to.equal(field);
      }
      expect(chats()).to.have.length(0);
    });
  });

  describe('stopping a batch test', () => {
    it('POST /batch-test-stop {testId} aborts its in-flight upstream requests and starts no more; the stream ends with complete aborted: true', async () => {
      up.setDefault({ hang: true });
      const res = await open(`${PANEL}/batch-test`, { channelId: 'five', concurrency: 2 });
      const reading = readFrames(res, complete, 10_000);
      await up.waitForRequest(2);
      const [test] = await activeTests();
      expect(test).to.include({ total: 5, completed: 0, aborted: false });
      const stop = await s.request('POST', `${PANEL}/batch-test-stop`, { body: { testId: test.id } });
      expect(stop.status).to.equal(200);
      expect(stop.body.data).to.deep.equal({ stopped: true, testId: test.id });
      const events = parse(await reading);
      const done = events.at(-1)!;
      expect(done.event).to.equal('complete');
      expect(done.data).to.include({ testId: test.id, total: 5, success: 0, aborted: true });
      await Promise.all(chats().map((r) => r.closed));
      expect(chats().every((r) => r.closedEarly), 'the stalled requests were aborted').to.equal(true);
      expect(chats()).to.have.length(2);
      await eventually(async () => (await activeTests()).length === 0, 3000, 'the test to leave active-tests');
    });

    it('POST /batch-test-stop without a testId stops every running test', async () => {
      up.setDefault({ hang: true });
      const streams = await Promise.all([open(`${PANEL}/batch-test`, { channelId: 'five', concurrency: 1 }), open(`${TARGET}/batch-test`, { channelId: 'five', concurrency: 1 })]);
      const readings = streams.map((res) => readFrames(res, complete, 10_000));
      await up.waitForRequest(2);
      expect(await activeTests()).to.have.length(2);
      const stop = await s.request('POST', `${PANEL}/batch-test-stop`, { body: {} });
      expect(stop.body.data).to.deep.equal({ stopped: true, count: 2 });
      for (const frames of await Promise.all(readings)) expect(parse(frames).at(-1)!.data).to.include({ aborted: true });
      expect(chats()).to.have.length(2);
    });

    it('answers 404 TEST_NOT_FOUND for an unknown test and 400 for a bad testId', async () => {
      const unknown = await s.request('POST', `${PANEL}/batch-test-stop`, { body: { testId: 'test_0_none' } });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.code).to.equal('TEST_NOT_FOUND');
      const bad = await s.request('POST', `${PANEL}/batch-test-stop`, { body: { testId: 5 } });
      expect(bad.status).to.equal(400);
      expect(bad.body.details[0].path).to.equal('body.testId');
    });

    it('a client that goes away mid-stream aborts its test: upstream request cut, gone from active-tests, the server fine', async () => {
      up.setDefault({ hang: true });
      const client = new AbortController();
      const res = await open(`${PANEL}/batch-test`, { channelId: 'five', concurrency: 1 }, client.signal);
      await readFrames(res, (frames) => frames.some((f) => f.startsWith('event: testing')), 5000).catch(() => undefined);
      const request = await up.waitForRequest(1);
      client.abort();
      await request.closed;
      expect(request.closedEarly).to.equal(true);
      await eventually(async () => (await activeTests()).length === 0, 3000, 'the test to leave active-tests');
      await new Promise((r) => setTimeout(r, 200));
      expect(chats(), 'no further model started').to.have.length(1);
      expect((await s.request('GET', `${PANEL}/channel-models/five`)).status).to.equal(200);
    });
  });

  describe('POST /api/test-panel/quick-test', () => {
    it('sends the message to the model asked for (default: the channel\'s first) and answers the whole reply', async () => {
      up.enqueue({ text: 'A long and complete answer' }, { text: 'first model' });
      const res = await s.request('POST', `${PANEL}/quick-test`, { body: { channelId: 'five', model: 'm3', message: 'ping?' } });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ success: true, model: 'm3', response: 'A long and complete answer' });
      expect(res.body.data.elapsed).to.be.a('number');
      expect(chats()[0].body.messages.at(-1).content).to.equal('ping?');
      const byDefault = await s.request('POST', `${PANEL}/quick-test`, { body: { channelId: 'five' } });
      expect(byDefault.body.data).to.include({ model: 'm1', response: 'first model' });
    });

    it('answers an upstream failure as 502 API_ERROR, an unknown channel 404, bad input 400', async () => {
      up.enqueue({ error: { status: 500, message: 'upstream broke' } });
      const failed = await s.request('POST', `${PANEL}/quick-test`, { body: { channelId: 'five' } });
      expect(failed.status).to.equal(502);
      expect(failed.body.code).to.equal('API_ERROR');
      expect((await s.request('POST', `${PANEL}/quick-test`, { body: { channelId: 'nope' } })).body.code).to.equal('CHANNEL_NOT_FOUND');
      const bad = await s.request('POST', `${PANEL}/quick-test`, { body: { channelId: 'five', message: '' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.details[0].path).to.equal('body.message');
    });
  });

  describe('GET /api/test-panel/channel-models/:id', () => {
    it('answers the channel\'s models and status; 404 for an unknown channel', async () => {
      const res = await s.request('GET', `${PANEL}/channel-models/five`);
      const channel = (await s.request('GET', '/api/channels/five')).body.data;
      expect(res.body.data).to.deep.equal({ channelId: 'five', channelName: 'Five', models: ['m1', 'm2', 'm3', 'm4', 'm5'], status: channel.status, testedAt: channel.testedAt });
      const unknown = await s.request('GET', `${PANEL}/channel-models/nope`);
      expect(unknown.status).to.equal(404);
      expect(unknown.body.code).to.equal('CHANNEL_NOT_FOUND');
    });
  });

  describe('as aliases of the channels module\'s routes', () => {
    const requests: Array<[string, string, unknown?]> = [
      ['GET', '/active-tests'],
      ['GET', '/channel-models/five'],
      ['GET', '/channel-models/nope'],
      ['POST', '/batch-test-stop', { testId: 'test_0_none' }],
      ['POST', '/batch-test', { channelId: 'nope' }],
      ['POST', '/quick-test', { channelId: 'nope' }],
    ];

    /** A refusal's message names the path asked; the rest must be the same. */
    const strip = (body: { success?: boolean; error?: string }) => (body.success === false ? { ...body, error: undefined } : body);

    it('answer like their targets for the master, a group admin (403) and no token (401)', async () => {
      for (const [method, path, body] of requests) {
        for (const token of [undefined, groupToken, null]) {
          const [a, b] = [await s.request(method, PANEL + path, { body, token }), await s.request(method, TARGET + path, { body, token })];
          expect(a.status, `${method} ${PANEL}${path}`).to.equal(b.status);
          expect(strip(a.body), `${method} ${PANEL}${path}`).to.deep.equal(strip(b.body));
        }
        const answered = (await s.request(method, PANEL + path, { body })).body;
        expect(answered.code, `${method} ${PANEL}${path} is a route`).not.to.equal('NOT_FOUND');
      }
      await expectMasterOnly(s, groupToken, requests.map(([method, path, body]) => [method, PANEL + path, body] as const));
    });

    it('are deprecated in the OpenAPI document, at both paths', async () => {
      const ops = (root: string) => [`GET ${root}/active-tests`, `GET ${root}/channel-models/:id`, `POST ${root}/batch-test`, `POST ${root}/batch-test-stop`, `POST ${root}/quick-test`];
      expect(await deprecatedOperations(s, PANEL)).to.deep.equal(ops(PANEL));
      // The channels module's own routes (its JSON batch test among them) stay current.
      expect(await deprecatedOperations(s, '/api/channels')).to.deep.equal(ops(TARGET));
    });
  });
});
