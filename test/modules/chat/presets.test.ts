import { expect } from 'chai';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

const MODULES = ['auth', 'channels', 'chat', 'conversations', 'presets'];

describe('chat finds presets as /api/presets does', () => {
  let s: TestServer;
  let up: Upstream;

  before(async () => {
    [s, up] = await Promise.all([startServer({ modules: { real: MODULES } }), startUpstream()]);
    const channel = await s.request('POST', '/api/channels', {
      body: { id: 'oa', name: 'OA', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-preset-SECRET-0000-abcd', models: ['gpt-4o'] },
    });
    expect(channel.status, channel.text).to.equal(201);
  });
  after(() => Promise.all([s?.stop(), up?.close()]));

  it('a name shared by a user preset and a built-in names the user preset in both', async () => {
    const created = await s.request('POST', '/api/presets', { body: { id: 'my-coder', name: 'Coder', systemPrompt: 'You are my own coder.' } });
    expect(created.status, created.text).to.equal(201);
    expect((await s.request('GET', '/api/presets/Coder')).body.data.id).to.equal('my-coder');

    const res = await s.request('POST', '/api/chat', { body: { message: 'hi', userId: 'u1', presetId: 'Coder' } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.presetId).to.equal('my-coder');
    expect(up.requests[0].body.messages[0]).to.deep.equal({ role: 'system', content: 'You are my own coder.' });
  });

  it('a built-in is found by its id', async () => {
    const res = await s.request('POST', '/api/chat', { body: { message: 'hi', userId: 'u2', presetId: 'builtin_translator' } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.presetId).to.equal('builtin_translator');
  });
});
