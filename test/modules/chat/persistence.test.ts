import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

/** Only the modules these tests need: faster to start, and others' work in progress cannot interfere. */
const MODULES = ['auth', 'channels', 'chat', 'conversations'];

describe('chat persistence across a restart', () => {
  let s: TestServer;
  let up: Upstream;

  before(async () => {
    [s, up] = await Promise.all([startServer({ modules: { real: MODULES, fixtures: ['chat-tool'] } }), startUpstream()]);
    await s.request('POST', '/api/channels', {
      body: { id: 'oa', name: 'OA', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-persist-SECRET-0000-abcd', models: ['gpt-4o'] },
    });
  });
  after(() => Promise.all([s?.stop(), up?.close()]));

  it('keeps the conversation, the channel and its usage after the server restarts', async function () {
    this.timeout(90_000); // a restart is a second server start
    up.enqueue({ toolCalls: [{ id: 't1', name: 'fixture_clock', args: {} }] }, { text: 'Noted, Zed.' });
    expect((await s.request('POST', '/api/chat', { body: { message: 'My name is Zed', userId: 'zed' } })).status).to.equal(200);
    const files = await readdir(path.join(s.dataDir, 'conversations'));
    expect(files.length).to.be.greaterThan(0);

    await s.restart();
    s.token = await s.loginAs({});

    const stored = await s.request('GET', '/api/conversations/user:zed/messages');
    expect(stored.status).to.equal(200);
    expect(stored.body.data.map((m: { role: string }) => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'assistant']);
    expect(stored.body.data[3]).to.include({ content: 'Noted, Zed.' });

    up.reset();
    up.enqueue({ text: 'You are Zed.' });
    const again = await s.request('POST', '/api/chat', { body: { message: 'Who am I?', userId: 'zed' } });
    expect(again.body.data.content).to.equal('You are Zed.');
    const sent = up.requests[0].body.messages;
    expect(sent.map((m: { role: string }) => m.role)).to.deep.equal(['system', 'user', 'assistant', 'tool', 'assistant', 'user']);
    expect(sent[2].tool_calls[0].id).to.equal('t1');

    const usage = JSON.parse(await readFile(path.join(s.dataDir, 'channel-usage.json'), 'utf8'));
    expect(usage.channels.oa.totalCalls).to.equal(3);
  });
});
