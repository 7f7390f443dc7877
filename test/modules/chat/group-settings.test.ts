import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type RecordedRequest, type Upstream } from '../../support/upstream.ts';
import { chatStream } from './sse-client.ts';

/** The global configuration the server starts with (data/config.json). */
const GLOBAL = {
  llm: { models: { chat: 'global-model' } },
  context: { maxMessages: 4, globalSystemPrompt: 'Global rule.' },
};

/** A group whose settings differ from the global ones in everything a chat turn reads. */
const GROUP = {
  presetId: 'pirate',
  systemPrompt: 'Group rule.',
  models: { chat: 'group-model' },
  chat: { contextLength: 2, temperature: 0.2 },
};

const MODULES = ['auth', 'channels', 'chat', 'conversations', 'group-admin', 'presets'];

/** What the model received: its name, the system prompt, the history before the new message, the tools offered. */
function received(request: RecordedRequest) {
  const messages: Array<{ role: string; content: string }> = request.body.messages;
  const system = messages[0].role === 'system' ? messages[0].content : null;
  return {
    model: request.body.model as string,
    system,
    history: messages.length - (system === null ? 1 : 2),
    last: messages[messages.length - 1].content,
    tools: ((request.body.tools ?? []) as Array<{ function: { name: string } }>).map((t) => t.function.name),
    temperature: request.body.temperature as number | undefined,
  };
}

describe('chat with a group: the group\'s effective settings act on the turn', () => {
  let s: TestServer;
  let up: Upstream;
  let dataDir: string;
  const chat = (body: Record<string, unknown>) => s.request('POST', '/api/chat', { body });
  const last = () => received(up.requests[up.requests.length - 1]);

  /** Three earlier exchanges, so that six messages are stored before the one under test. */
  const talk = async (body: Record<string, unknown>) => {
    for (let i = 1; i <= 3; i++) expect((await chat({ ...body, message: `earlier ${i}` })).status).to.equal(200);
  };

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-test-'));
    await writeFile(path.join(dataDir, 'config.json'), JSON.stringify(GLOBAL));
    [s, up] = await Promise.all([startServer({ dataDir, modules: { real: MODULES, fixtures: ['chat-tool'] } }), startUpstream()]);
    const channel = await s.request('POST', '/api/channels', {
      body: { id: 'oa', name: 'OA', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-group-SECRET-0000-abcd', models: ['global-model', 'group-model'] },
    });
    expect(channel.status, channel.text).to.equal(201);
    const preset = await s.request('POST', '/api/presets', { body: { id: 'pirate', name: 'Pirate', systemPrompt: 'Talk like a pirate.' } });
    expect(preset.status, preset.text).to.equal(201);
    const group = await s.request('PUT', '/api/group-admin/g7/config', { body: GROUP });
    expect(group.status, group.text).to.equal(200);
  });
  after(async () => {
    await Promise.all([s?.stop(), up?.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => up.reset());

  it('the group-admin route and the chat agree on what the group resolves to', async () => {
    const effective = (await s.request('GET', '/api/group-admin/g7/effective')).body.data;
    expect(effective.settings).to.deep.include({ presetId: 'pirate', systemPrompt: 'Group rule.' });
    expect(effective.settings.models.chat).to.equal('group-model');
    expect(effective.settings.chat.contextLength).to.equal(2);
    expect(effective.sources).to.include({ presetId: 'group', systemPrompt: 'group', 'models.chat': 'group', 'chat.contextLength': 'group' });
  });

  it('POST /api/chat with the groupId: the group\'s preset, model, system prompt, context length and temperature', async () => {
    await talk({ userId: 'ann', groupId: 'g7' });
    const res = await chat({ message: 'now', userId: 'ann', groupId: 'g7' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data).to.include({ conversationId: 'group:g7', presetId: 'pirate', model: 'group-model' });
    expect(last()).to.deep.include({
      model: 'group-model',
      // The group's prompt takes the global prompt's place beside the preset's (globalPromptMode: append).
      system: 'Talk like a pirate.\n\nGroup rule.',
      history: 2,
      last: 'now',
      temperature: 0.2,
    });
  });

  it('POST /api/chat without a groupId: the global model, system prompt and context length', async () => {
    await talk({ userId: 'bob' });
    const res = await chat({ message: 'now', userId: 'bob' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data).to.include({ conversationId: 'user:bob', presetId: 'default', model: 'global-model' });
    expect(last()).to.deep.include({ model: 'global-model', system: 'You are a helpful assistant.\n\nGlobal rule.', history: 4, last: 'now' });
    expect(last().temperature).to.equal(0.7);
  });

  it('POST /api/chat/stream with the groupId: the same settings, and the start frame names the group\'s model and preset', async () => {
    const reply = await chatStream(s, { message: 'streamed', userId: 'ann', groupId: 'g7' });
    expect(reply.frames.map((f) => f.event)).to.include('end');
    expect(reply.frames[0].data).to.include({ conversationId: 'group:g7', model: 'group-model', presetId: 'pirate' });
    expect(last()).to.deep.include({ model: 'group-model', system: 'Talk like a pirate.\n\nGroup rule.', history: 2, last: 'streamed' });
  });

  it('POST /api/chat/stream without a groupId: the global settings', async () => {
    const reply = await chatStream(s, { message: 'streamed', userId: 'bob' });
    expect(reply.frames[0].data).to.include({ conversationId: 'user:bob', model: 'global-model', presetId: 'default' });
    expect(last()).to.deep.include({ model: 'global-model', system: 'You are a helpful assistant.\n\nGlobal rule.', history: 4 });
  });

  it('the request still wins over the group: an explicit preset and model', async () => {
    const res = await chat({ message: 'hi', userId: 'ann', groupId: 'g7', presetId: 'default', model: 'global-model' });
    expect(res.status, res.text).to.equal(200);
    expect(last()).to.deep.include({ model: 'global-model', system: 'You are a helpful assistant.\n\nGroup rule.' });
  });

  it('a group without settings of its own chats with the global ones', async () => {
    await chat({ message: 'hi', userId: 'cid', groupId: 'g-plain' });
    expect(last()).to.deep.include({ model: 'global-model', system: 'You are a helpful assistant.\n\nGlobal rule.' });
  });

  it('a group whose preset was deleted since chats with the default preset', async () => {
    expect((await s.request('POST', '/api/presets', { body: { id: 'short-lived', name: 'Short', systemPrompt: 'Gone soon.' } })).status).to.equal(201);
    expect((await s.request('PUT', '/api/group-admin/g-gone/config', { body: { presetId: 'short-lived' } })).status).to.equal(200);
    expect((await s.request('DELETE', '/api/presets/short-lived')).status).to.equal(200);
    const res = await chat({ message: 'hi', userId: 'cid', groupId: 'g-gone' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.presetId).to.equal('default');
    expect(last().system).to.equal('You are a helpful assistant.\n\nGlobal rule.');
  });

  it('a group id that no group can have gets the global settings, not an error', async () => {
    const res = await chat({ message: 'hi', userId: 'cid', groupId: '.hidden' });
    expect(res.status, res.text).to.equal(200);
    expect(last().model).to.equal('global-model');
  });

  it('the group\'s own tool settings narrow the tools offered', async () => {
    await chat({ message: 'hi', userId: 'dan' });
    expect(last().tools).to.include('fixture_clock');

    expect((await s.request('PUT', '/api/group-admin/g-blocks/config', { body: { tools: { blockedTools: ['fixture_clock'] } } })).status).to.equal(200);
    await chat({ message: 'hi', userId: 'dan', groupId: 'g-blocks' });
    expect(last().tools).to.not.include('fixture_clock');

    expect((await s.request('PUT', '/api/group-admin/g-off/config', { body: { tools: { enabled: false } } })).status).to.equal(200);
    await chat({ message: 'hi', userId: 'dan', groupId: 'g-off' });
    expect(up.requests[up.requests.length - 1].body.tools).to.equal(undefined);
  });

  it('a change of the group\'s settings applies to the next message', async () => {
    const setModel = (model: string) => s.request('PUT', '/api/group-admin/g7/config', { body: { models: { chat: model } } });
    expect((await setModel('global')).status).to.equal(200);
    await chat({ message: 'hi', userId: 'ann', groupId: 'g7' });
    expect(last().model).to.equal('global-model');
    expect((await setModel('group-model')).status).to.equal(200);
    await chat({ message: 'hi', userId: 'ann', groupId: 'g7' });
    expect(last().model).to.equal('group-model');
  });
});
