import { expect } from 'chai';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Protocol, type Upstream } from '../../support/upstream.ts';
import { chatStream } from './sse-client.ts';

/** Only the modules these tests need: faster to start, and others' work in progress cannot interfere. */
const MODULES = ['auth', 'channels', 'chat', 'conversations'];

describe('POST /api/chat/stream', () => {
  let s: TestServer;
  let up: Upstream;

  before(async () => {
    [s, up] = await Promise.all([startServer({ modules: { real: MODULES, fixtures: ['chat-tool'] } }), startUpstream()]);
    const res = await s.request('POST', '/api/channels', {
      body: { id: 'oa', name: 'OA', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-stream-SECRET-1234-abcd', models: ['gpt-4o'] },
    });
    expect(res.status).to.equal(201);
  });
  after(() => Promise.all([s?.stop(), up?.close()]));
  beforeEach(() => up.reset());

  it('sends start, content pieces as they arrive, then end with usage — named events that carry type', async () => {
    up.enqueue({ chunks: ['One ', 'two ', 'three'], chunkDelayMs: 400, usage: { promptTokens: 7, completionTokens: 3 } });
    const reply = await chatStream(s, { message: 'count', userId: 'u1' });
    expect(reply.status).to.equal(200);
    expect(reply.contentType).to.match(/^text\/event-stream/);
    expect(reply.frames.map((f) => f.event)).to.deep.equal(['start', 'content', 'content', 'content', 'end']);
    for (const f of reply.frames) expect(f.data.type).to.equal(f.event);
    expect(reply.frames[0].data).to.include({ conversationId: 'user:u1', model: 'gpt-4o' });
    const contents = reply.frames.filter((f) => f.event === 'content');
    expect(contents.map((f) => f.data.text)).to.deep.equal(['One ', 'two ', 'three']);
    expect(contents.map((f) => f.data.data)).to.deep.equal(['One ', 'two ', 'three']);
    // Incremental: the first piece arrived well before the last one was sent upstream (800 ms later).
    expect(contents[2].at - contents[0].at).to.be.above(400);
    expect(reply.frames[4].data.usage).to.deep.equal({ promptTokens: 7, completionTokens: 3, totalTokens: 10 });
  });

  it('sends the headers and the start frame at once, before the upstream answers', async () => {
    up.enqueue({ chunks: ['Late.'], delayMs: 600 });
    const reply = await chatStream(s, { message: 'hi', userId: 'u-late' });
    expect(reply.frames.map((f) => f.event)).to.deep.equal(['start', 'content', 'end']);
    expect(reply.frames[1].at - reply.frames[0].at).to.be.above(400);
  });

  it('streams tool calls and their results between content', async () => {
    up.enqueue({ toolCalls: [{ id: 'c9', name: 'fixture_clock', args: {} }] }, { text: 'Done.' });
    const reply = await chatStream(s, { message: 'time?', userId: 'u2' });
    const events = reply.frames.map((f) => f.event).filter((e, i, all) => e !== 'content' || all[i - 1] !== 'content');
    expect(events).to.deep.equal(['start', 'tool_call', 'tool_result', 'content', 'end']);
    expect(reply.frames[1].data).to.deep.include({ id: 'c9', name: 'fixture_clock', args: {} });
    expect(reply.frames[2].data).to.include({ id: 'c9', name: 'fixture_clock', success: true });
    expect(reply.frames[2].data.result).to.include('timestamp');
  });

  it('reports an upstream failure as an error frame with the upstream status', async () => {
    up.enqueue({ error: { status: 429, message: 'too many' } });
    const reply = await chatStream(s, { message: 'hi', userId: 'u3' });
    expect(reply.frames.map((f) => f.event)).to.deep.equal(['start', 'error']);
    expect(reply.frames[1].data).to.deep.include({ type: 'error', code: 'API_ERROR' });
    expect(reply.frames[1].data.details).to.include({ status: 429, message: 'too many' });
  });

  it('reports a connection dropped mid-stream as an error frame after the content already sent', async () => {
    up.enqueue({ chunks: ['partial', 'never'], drop: 'mid-stream' });
    const reply = await chatStream(s, { message: 'hi', userId: 'u4' });
    const events = reply.frames.map((f) => f.event);
    expect(events[0]).to.equal('start');
    expect(events[events.length - 1]).to.equal('error');
    expect(reply.frames[reply.frames.length - 1].data.details.kind).to.equal('network');
  });

  it('answers validation and routing failures as JSON envelopes, not streams', async () => {
    const bad = await chatStream(s, { userId: 'u5' });
    expect(bad.status).to.equal(400);
    expect(bad.json.code).to.equal('VALIDATION_ERROR');
    const noModel = await chatStream(s, { message: 'hi', userId: 'u5', model: 'unknown-model' });
    expect(noModel.status).to.equal(503);
    expect(noModel.json.code).to.equal('CHANNEL_UNAVAILABLE');
  });

  it('aborts the upstream request when the client disconnects mid-stream, and stores nothing', async () => {
    up.enqueue({ chunks: ['a', 'b', 'c', 'd', 'e'], chunkDelayMs: 300 });
    const reply = await chatStream(s, { message: 'long story', userId: 'u6' }, (f) => f.event === 'content');
    expect(reply.frames.map((f) => f.event)).to.deep.equal(['start', 'content']);
    const upstreamRequest = up.requests[0];
    await upstreamRequest.closed;
    expect(upstreamRequest.closedEarly).to.equal(true);
    expect((await s.request('GET', '/api/conversations/user:u6/messages')).status).to.equal(404);
  });

  it('POST /api/chat with stream: true streams too', async () => {
    const res = await fetch(`${s.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi', userId: 'u7', stream: true }),
    });
    expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
    const text = await res.text();
    expect(text).to.include('event: start').and.include('event: content').and.include('event: end');
  });

  it('tries the next key of the channel when the upstream refuses a key, before any other channel', async () => {
    await s.request('POST', '/api/channels', {
      body: { id: 'two-keys', name: 'Two keys', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKeys: ['sk-first-SECRET-0000-aaaa', 'sk-second-SECRET-0000-bbbb'], strategy: 'failover', models: ['keyed-model'] },
    });
    up.enqueue({ error: { status: 401, message: 'bad key' } }, { text: 'second key works' });
    const reply = await chatStream(s, { message: 'hi', userId: 'u8', model: 'keyed-model' });
    expect(reply.frames.map((f) => f.event)).to.include('end');
    expect(up.requests.map((r) => r.headers.authorization)).to.deep.equal(['Bearer sk-first-SECRET-0000-aaaa', 'Bearer sk-second-SECRET-0000-bbbb']);
    // The failover strategy now leaves the refused key alone.
    up.enqueue({ text: 'again' });
    await chatStream(s, { message: 'hi', userId: 'u8', model: 'keyed-model' });
    expect(up.requests[2].headers.authorization).to.equal('Bearer sk-second-SECRET-0000-bbbb');
  });

  for (const protocol of ['claude', 'gemini'] as Protocol[]) {
    it(`streams through a ${protocol} channel with tools`, async () => {
      await s.request('POST', '/api/channels', {
        body: { id: `ch-${protocol}`, name: protocol, adapterType: protocol, baseUrl: up.baseUrl(protocol), apiKey: 'sk-other-SECRET-9999-wxyz', models: [`${protocol}-model`] },
      });
      up.enqueue({ toolCalls: [{ name: 'fixture_clock', args: { zone: 'UTC' } }] }, { chunks: ['Fine', ' thanks'] });
      const reply = await chatStream(s, { message: 'hi', userId: `u-${protocol}`, model: `${protocol}-model` });
      expect(reply.frames.map((f) => f.event)).to.deep.equal(['start', 'tool_call', 'tool_result', 'content', 'content', 'end']);
      expect(up.requests.map((r) => r.protocol)).to.deep.equal([protocol, protocol]);
      expect(reply.frames[5].data.channelId).to.equal(`ch-${protocol}`);
    });
  }
});
