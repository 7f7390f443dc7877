import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { UpstreamCallEvent } from '../../../lib/llm/index.ts';
import { closedPort } from '../../support/ports.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

const KEY = 'sk-calls-SECRET-0000-1111-abcd';
const GROUP = '4242';

/** An event as the fixture module heard it: the payload, and the time the bus stamped. */
type Heard = UpstreamCallEvent & { timestamp: number };

describe('lib/llm callUpstream: one path for every upstream call, each accounted as an upstream-call event', () => {
  let s: TestServer;
  let up: Upstream;
  /** The upstream-call events the fixture module heard since the last call of `newCalls` (each test starts afresh). */
  let seen = 0;
  const newCalls = async (): Promise<Heard[]> => {
    const all = (await s.request('GET', '/api/upstream-calls')).body.data as Heard[];
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const usageOf = async (channelId: string) => JSON.parse(await readFile(path.join(s.dataDir, 'channel-usage.json'), 'utf8')).channels[channelId];

  before(async () => {
    up = await startUpstream({ models: ['model-a', 'model-b'] });
    s = await startServer({ modules: { real: ['auth', 'system', 'config', 'channels', 'chat', 'memory', 'group-admin'], fixtures: ['upstream-calls'] } });
    const res = await s.request('POST', '/api/channels', {
      body: {
        id: 'main',
        name: 'Main',
        adapterType: 'openai',
        baseUrl: up.baseUrl('openai'),
        apiKey: KEY,
        models: ['model-a'],
        customHeaders: { 'X-Team': 'blue' },
        overrides: { modelMapping: { 'model-a': 'model-a-2024' }, systemPromptPrefix: 'CHANNEL PREFIX', stopSequences: ['<END>'] },
      },
    });
    expect(res.status, res.text).to.equal(201);
    await newCalls();
  });
  after(() => Promise.all([s?.stop(), up?.close()]));
  beforeEach(async () => {
    up.reset();
    await newCalls();
  });

  it('a chat: source api, its user and group, the tokens, on the channel that answered', async () => {
    up.enqueue({ text: 'Hi!', usage: { promptTokens: 11, completionTokens: 4 } });
    const res = await s.request('POST', '/api/chat', { body: { message: 'hello', userId: 'alice', groupId: GROUP } });
    expect(res.status, res.text).to.equal(200);
    const [call, ...more] = await newCalls();
    expect(more).to.deep.equal([]);
    expect(call).to.deep.include({
      kind: 'chat', source: 'api', channelId: 'main', model: 'model-a', promptTokens: 11, completionTokens: 4, totalTokens: 15,
      success: true, errorKind: null, userId: 'alice', groupId: GROUP,
    });
    expect(call.durationMs).to.be.a('number');
    expect(call.timestamp).to.be.a('number');
  });

  it('a failed chat: success false and the error kind, once per attempt', async () => {
    up.enqueue({ error: { status: 500, message: 'upstream broke' } });
    const res = await s.request('POST', '/api/chat', { body: { message: 'hello', userId: 'alice' } });
    expect(res.status).to.equal(502);
    const calls = await newCalls();
    expect(calls).to.have.length(1);
    expect(calls[0]).to.deep.include({ kind: 'chat', success: false, errorKind: 'http_500', totalTokens: 0, userId: 'alice', groupId: null });
  });

  const condense = async (userId: string, usage = { promptTokens: 30, completionTokens: 5 }) => {
    for (const content of ['Likes tea', 'Likes green tea', 'Enjoys hiking', 'Hikes on Sundays', 'Reads sci-fi', 'Reads Asimov']) {
      expect((await s.request('POST', `/api/memories/user/${userId}`, { body: { content, category: 'preferences' } })).status).to.equal(201);
    }
    up.enqueue({ text: 'Likes tea\nHikes', usage });
    const res = await s.request('POST', `/api/memories/user/${userId}/summarize`, { body: { useLLM: true } });
    expect(res.status, res.text).to.equal(200);
  };

  it("a memory summary: source system, the memories' user, the tokens", async () => {
    await condense('bob');
    const [call, ...more] = await newCalls();
    expect(more).to.deep.equal([]);
    expect(call).to.deep.include({
      kind: 'summary', source: 'system', channelId: 'main', model: 'model-a', promptTokens: 30, completionTokens: 5, totalTokens: 35,
      success: true, userId: 'bob', groupId: null,
    });
  });

  it("a memory summary goes out as a chat would: the channel's model mapping, headers, prompt prefix and stop sequences", async () => {
    await condense('carol');
    const sent = up.requests[0];
    expect(sent.model).to.equal('model-a-2024');
    expect(sent.headers['x-team']).to.equal('blue');
    expect(sent.body.messages[0].role).to.equal('system');
    expect(sent.body.messages[0].content.startsWith('CHANNEL PREFIX\n')).to.equal(true);
    expect(sent.body.stop).to.deep.equal(['<END>']);
  });

  it('a channel test: source api, the tokens, and counted in the usage files', async () => {
    const before = (await usageOf('main')).totalCalls;
    up.enqueue({ text: 'Hello!', usage: { promptTokens: 7, completionTokens: 2 } });
    const res = await s.request('POST', '/api/channels/test', { body: { id: 'main' } });
    expect(res.status, res.text).to.equal(200);
    const [call, ...more] = await newCalls();
    expect(more).to.deep.equal([]);
    expect(call).to.deep.include({ kind: 'test', source: 'api', channelId: 'main', model: 'model-a', promptTokens: 7, completionTokens: 2, totalTokens: 9, success: true });
    const usage = await usageOf('main');
    expect(usage.totalCalls).to.equal(before + 1);
    expect(usage.sources.test).to.equal(1);
  });

  it('a test of an inline channel names no channel and leaves the usage files alone', async () => {
    const res = await s.request('POST', '/api/channels/test', { body: { adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-inline-0000-1111-2222', models: ['model-b'] } });
    expect(res.status, res.text).to.equal(200);
    const [call] = await newCalls();
    expect(call).to.deep.include({ kind: 'test', source: 'api', channelId: null, model: 'model-b', success: true });
    const usage = JSON.parse(await readFile(path.join(s.dataDir, 'channel-usage.json'), 'utf8')).channels;
    expect(Object.keys(usage)).to.deep.equal(['main']);
  });

  it("a channel's model listing: an event with no model and no tokens, not counted in the usage files", async () => {
    const before = await usageOf('main');
    const res = await s.request('GET', '/api/channels/main/models');
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.models).to.deep.equal(['model-a', 'model-b']);
    const [call, ...more] = await newCalls();
    expect(more).to.deep.equal([]);
    expect(call).to.deep.include({ kind: 'models', source: 'api', channelId: 'main', model: null, totalTokens: 0, success: true });
    expect(await usageOf('main')).to.deep.equal(before);
  });

  it("a group-admin model listing: accounted for the group, on no stored channel, failures with their kind", async () => {
    expect((await s.request('PUT', '/api/config', { body: { builtinTools: { fetch: { allowPrivateNetwork: true } } } })).status).to.equal(200);
    const admin = await s.loginAs({ groupId: GROUP });
    const res = await s.request('POST', `/api/group-admin/${GROUP}/models/fetch`, { token: admin, body: { baseUrl: up.baseUrl('openai'), apiKey: 'sk-group-0000-1111-2222' } });
    expect(res.status, res.text).to.equal(200);
    const failed = await s.request('POST', `/api/group-admin/${GROUP}/models/fetch`, { token: admin, body: { baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, apiKey: 'sk-group-0000-1111-2222' } });
    expect(failed.status, failed.text).to.equal(502);
    expect(failed.body.details).to.include({ kind: 'network' });
    const calls = await newCalls();
    expect(calls).to.have.length(2);
    expect(calls[0]).to.deep.include({ kind: 'models', source: 'api', channelId: null, groupId: GROUP, success: true });
    expect(calls[1]).to.deep.include({ kind: 'models', groupId: GROUP, success: false, errorKind: 'network' });
  });
});
