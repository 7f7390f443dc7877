import { expect } from 'chai';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';


const KEY = 'sk-chat-SECRET-0000-1111-abcd';

describe('POST /api/chat', () => {
  let s: TestServer;
  let up: Upstream;
  let backup: Upstream;
  const chat = (body: Record<string, unknown>) => s.request('POST', '/api/chat', { body });
  const addChannel = async (body: Record<string, unknown>) => {
    const res = await s.request('POST', '/api/channels', { body: { adapterType: 'openai', apiKey: KEY, ...body } });
    expect(res.status, res.text).to.equal(201);
  };

  before(async () => {
    // Every module: this suite drives the real presets module and the built-in tools.
    [s, up, backup] = await Promise.all([startServer(), startUpstream(), startUpstream()]);
  });
  after(() => Promise.all([s?.stop(), up?.close(), backup?.close()]));
  beforeEach(() => {
    up.reset();
    backup.reset();
  });

  it('503 CHANNEL_UNAVAILABLE while no channel exists', async () => {
    const res = await chat({ message: 'hi', userId: 'u1' });
    expect(res.status).to.equal(503);
    expect(res.body.code).to.equal('CHANNEL_UNAVAILABLE');
  });

  it('refuses bad input with 400 and the field path', async () => {
    for (const [body, field] of [
      [{ userId: 'u1' }, 'body.message'],
      [{ message: 'hi' }, 'body.userId'],
      [{ message: '', userId: 'u1' }, 'body.message'],
      [{ message: 'hi', userId: 'a/b' }, 'body.userId'],
      [{ message: 'hi', userId: 'u1', temperature: 3 }, 'body.temperature'],
      [{ message: 'hi', userId: 'u1', surprise: 1 }, 'body.surprise'],
    ] as const) {
      const res = await chat(body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).to.include(field);
    }
    const raw = await s.request('POST', '/api/chat', { raw: '{"message":', headers: { 'content-type': 'application/json' } });
    expect(raw.status).to.equal(400);
  });

  it('answers through a channel, with the model mapping, and stores both messages', async () => {
    await addChannel({ id: 'main', name: 'Main', baseUrl: up.baseUrl('openai'), models: ['gpt-4o'], priority: 1, overrides: { modelMapping: { 'gpt-4o': 'gpt-4o-2024' } } });
    up.enqueue({ text: 'Hello Alice!', usage: { promptTokens: 20, completionTokens: 3 } });
    const res = await chat({ message: 'I am Alice', userId: 'alice' });
    expect(res.status, res.text).to.equal(200);
    expect(res.text).not.to.include('SECRET');
    expect(res.body.data).to.deep.include({ content: 'Hello Alice!', response: 'Hello Alice!', conversationId: 'user:alice', channelId: 'main', toolCalls: [] });
    expect(res.body.data.usage).to.deep.equal({ promptTokens: 20, completionTokens: 3, totalTokens: 23 });
    const sent = up.requests[0].body;
    expect(sent.model).to.equal('gpt-4o-2024');
    expect(sent.messages[0].role).to.equal('system');
    expect(sent.messages[sent.messages.length - 1]).to.deep.equal({ role: 'user', content: 'I am Alice' });

    const stored = await s.request('GET', '/api/conversations/user:alice/messages');
    expect(stored.body.data.map((m: { role: string; content: string }) => [m.role, m.content])).to.deep.equal([
      ['user', 'I am Alice'],
      ['assistant', 'Hello Alice!'],
    ]);
  });

  it('sends the stored history with the next message; a group id selects the group conversation', async () => {
    up.enqueue({ text: 'You are Alice.' });
    await chat({ message: 'Who am I?', userId: 'alice' });
    const contents = up.requests[0].body.messages.map((m: { content: string }) => m.content);
    expect(contents.slice(1)).to.deep.equal(['I am Alice', 'Hello Alice!', 'Who am I?']);

    up.enqueue({ text: 'hi group' });
    const group = await chat({ message: 'hello all', userId: 'bob', groupId: 'g1' });
    expect(group.body.data.conversationId).to.equal('group:g1');
    expect(up.requests[1].body.messages.map((m: { content: string }) => m.content).slice(1)).to.deep.equal(['hello all']);
  });

  it('uses an explicit preset (system prompt, model parameters); 404 PRESET_NOT_FOUND for an unknown one', async () => {
    const created = await s.request('POST', '/api/presets', { body: { id: 'cat-talk', name: 'Cat', systemPrompt: 'You are a cat.', temperature: 0.1 } });
    expect(created.status, created.text).to.equal(201);
    await chat({ message: 'hi', userId: 'carol', presetId: 'cat-talk' });
    expect(up.requests[0].body.messages[0]).to.deep.equal({ role: 'system', content: 'You are a cat.' });
    expect(up.requests[0].body.temperature).to.equal(0.1);
    const missing = await chat({ message: 'hi', userId: 'carol', presetId: 'no-such-preset' });
    expect(missing.status).to.equal(404);
    expect(missing.body.code).to.equal('PRESET_NOT_FOUND');
  });

  it('fails over to the next channel by priority when the first one fails', async () => {
    await addChannel({ id: 'backup', name: 'Backup', baseUrl: backup.baseUrl('openai'), models: ['gpt-4o'], priority: 2 });
    up.enqueue({ error: { status: 500, message: 'main is down' } });
    backup.enqueue({ text: 'from backup' });
    const res = await chat({ message: 'hi', userId: 'dave' });
    expect(res.status).to.equal(200);
    expect(res.body.data).to.include({ content: 'from backup', channelId: 'backup' });
    expect(up.requests).to.have.length(1);
    const stats = (await s.request('GET', '/api/channels/stats')).body.data;
    expect(stats.main.errorTypes.http_500).to.equal(1);
    expect(stats.backup).to.include({ successCalls: 1, switchCount: 1 });
    expect(stats.backup.modelUsage['gpt-4o']).to.include({ calls: 1, success: 1 });
  });

  it('502 API_ERROR with the upstream status when every channel fails', async () => {
    up.enqueue({ error: { status: 429, message: 'slow down' } });
    backup.enqueue({ error: { status: 429, message: 'slow down too' } });
    const res = await chat({ message: 'hi', userId: 'erin' });
    expect(res.status).to.equal(502);
    expect(res.body.code).to.equal('API_ERROR');
    expect(res.body.details).to.include({ status: 429, message: 'slow down too' });
    const stored = await s.request('GET', '/api/conversations/user:erin/messages');
    expect(stored.status).to.equal(404);
  });

  it('runs the tool loop through the kernel registry and sends the results back to the model', async () => {
    up.enqueue({ toolCalls: [{ id: 'call_t1', name: 'get_current_time', args: { timezone: 'UTC' } }] }, { text: 'It is late.' });
    const res = await chat({ message: 'What time is it?', userId: 'frank' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.content).to.equal('It is late.');
    expect(res.body.data.toolCalls).to.have.length(1);
    expect(res.body.data.toolCalls[0]).to.deep.include({ name: 'get_current_time', args: { timezone: 'UTC' } });
    expect(res.body.data.toolCalls[0].result).to.include(String(new Date().getUTCFullYear()));
    expect(res.body.data.usage.totalTokens).to.equal(30);
    const offered = up.requests[0].body.tools.map((t: { function: { name: string } }) => t.function.name);
    expect(offered).to.include('get_current_time');
    const second = up.requests[1].body.messages;
    expect(second[second.length - 2].tool_calls[0]).to.deep.include({ id: 'call_t1' });
    expect(second[second.length - 1]).to.include({ role: 'tool', tool_call_id: 'call_t1' });
    expect(second[second.length - 1].content).to.include('timestamp');
  });

  it('stops the tool loop after a bounded number of rounds', async () => {
    up.setDefault((req) => (req.body.tools ? { toolCalls: [{ name: 'get_current_time', args: {} }] } : { text: 'giving up on tools' }));
    try {
      const res = await chat({ message: 'loop forever', userId: 'gina' });
      expect(res.status).to.equal(200);
      expect(res.body.data.content).to.equal('giving up on tools');
      expect(res.body.data.toolCalls).to.have.length(5);
      expect(up.requests).to.have.length(6);
    } finally {
      up.setDefault({ text: 'Hello!' });
    }
  });

  it('offers no tools when asked not to', async () => {
    await chat({ message: 'no tools', userId: 'hank', tools: false });
    expect(up.requests[0].body.tools).to.equal(undefined);
  });

  it('aborts the upstream request when the client goes away', async () => {
    up.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = s.request('POST', '/api/chat', { body: { message: 'hang', userId: 'ivan' }, signal: controller.signal }).catch((e) => e);
    const upstreamRequest = await up.waitForRequest(1);
    controller.abort();
    await pending;
    await upstreamRequest.closed;
    expect(upstreamRequest.closedEarly).to.equal(true);
    expect(backup.requests).to.have.length(0);
  });
});
