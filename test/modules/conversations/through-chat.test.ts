import { expect } from 'chai';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

/** The contract between the chat module and the presets and conversations modules, over real HTTP. */
describe('conversations and presets through the chat module', () => {
  let s: TestServer;
  let up: Upstream;
  const roles = (n: number) => up.requests.filter((r) => r.protocol === 'openai')[n].body.messages.map((m: { role: string }) => m.role);

  before(async () => {
    [s, up] = await Promise.all([startServer(), startUpstream()]);
    const channel = await s.request('POST', '/api/channels', {
      body: { id: 'local', name: 'Local', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-local-0000-abcd', models: ['gpt-4o'] },
    });
    expect(channel.status).to.be.oneOf([200, 201]);
  });
  after(() => Promise.all([s?.stop(), up?.close()]));

  it('chats with the default preset set through /api/presets and its model parameters', async () => {
    await s.request('POST', '/api/presets', { body: { id: 'pirate', name: 'Pirate', systemPrompt: 'Talk like a pirate.', temperature: 0.3, maxTokens: 77, isDefault: true } });
    up.enqueue({ text: 'Arr!' });
    const r = await s.request('POST', '/api/chat', { body: { message: 'Hello', userId: 'ann' } });
    expect(r.status).to.equal(200);
    const sent = up.requests.at(-1)!.body;
    expect(sent.messages[0]).to.deep.include({ role: 'system', content: 'Talk like a pirate.' });
    expect(sent).to.include({ temperature: 0.3, max_tokens: 77 });
  });

  it('lists the conversation the chat wrote, with its messages', async () => {
    const list = await s.request('GET', '/api/conversations?userId=ann');
    expect(list.body.data.conversations.map((c: { id: string }) => c.id)).to.deep.equal(['user:ann']);
    expect(list.body.data.conversations[0]).to.include({ messageCount: 2, lastMessage: 'Arr!' });
    const messages = (await s.request('GET', '/api/conversations/user:ann/messages')).body.data;
    expect(messages.map((m: { role: string; content: string }) => [m.role, m.content])).to.deep.equal([['user', 'Hello'], ['assistant', 'Arr!']]);
    expect(messages[1].model).to.be.a('string');
  });

  it('sends the history on the next turn, and none after the context was cleared', async () => {
    up.reset();
    up.enqueue({ text: 'Again, arr.' }, { text: 'Who are ye?' });
    await s.request('POST', '/api/chat', { body: { message: 'Again', userId: 'ann' } });
    expect(roles(0)).to.deep.equal(['system', 'user', 'assistant', 'user']);
    expect((await s.request('POST', '/api/conversations/user:ann/clear')).status).to.equal(200);
    await s.request('POST', '/api/chat', { body: { message: 'Remember me?', userId: 'ann' } });
    expect(roles(1)).to.deep.equal(['system', 'user']);
  });

  it('answers 404 PRESET_NOT_FOUND in chat for a preset deleted through /api/presets', async () => {
    await s.request('POST', '/api/presets', { body: { id: 'short-lived', name: 'Short' } });
    expect((await s.request('DELETE', '/api/presets/short-lived')).status).to.equal(200);
    const r = await s.request('POST', '/api/chat', { body: { message: 'Hi', userId: 'ann', presetId: 'short-lived' } });
    expect(r.status).to.equal(404);
    expect(r.body.code).to.equal('PRESET_NOT_FOUND');
  });
});
