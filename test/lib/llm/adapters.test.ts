import { expect } from 'chai';
import { adapterFor } from '../../../lib/llm/adapters.ts';
import type { AdapterType, ChatRequest, Endpoint, StreamEvent } from '../../../lib/llm/index.ts';
import { startUpstream, type Protocol, type Upstream } from '../../support/upstream.ts';
import { rejection } from '../../support/rejection.ts';

const tool = { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } };

async function collect(it: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

/** The text of a wire message in any of the three protocols. */
function textsOf(protocol: Protocol, body: any): string {
  if (protocol === 'openai') return JSON.stringify(body.messages);
  if (protocol === 'claude') return JSON.stringify({ system: body.system, messages: body.messages });
  return JSON.stringify({ system: body.systemInstruction, contents: body.contents });
}

for (const type of ['openai', 'claude', 'gemini'] as AdapterType[]) {
  describe(`lib/llm ${type} adapter`, () => {
    let up: Upstream;
    const adapter = adapterFor(type);
    const endpoint = (extra: Partial<Endpoint> = {}): Endpoint => ({ baseUrl: up.baseUrl(type), apiKey: 'sk-test-key-123456', ...extra });
    const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
      model: 'model-a',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi there' },
      ],
      ...extra,
    });

    before(async () => {
      up = await startUpstream();
    });
    after(() => up.close());
    beforeEach(() => up.reset());

    it('sends the key in the protocol header and answers text with usage', async () => {
      up.enqueue({ text: 'Hello, human.', usage: { promptTokens: 12, completionTokens: 4 } });
      const result = await adapter.chat(endpoint(), request({ temperature: 0.3, maxTokens: 50 }));
      expect(result.content).to.equal('Hello, human.');
      expect(result.toolCalls).to.deep.equal([]);
      expect(result.usage).to.deep.equal({ promptTokens: 12, completionTokens: 4, totalTokens: 16 });
      const req = up.requests[0];
      expect(req.protocol).to.equal(type);
      expect(req.stream).to.equal(false);
      const auth = type === 'openai' ? req.headers.authorization : type === 'claude' ? req.headers['x-api-key'] : req.headers['x-goog-api-key'];
      expect(auth).to.include('sk-test-key-123456');
      expect(textsOf(type, req.body)).to.include('Be brief.').and.include('Hi there');
      if (type === 'claude') expect(req.body).to.include({ max_tokens: 50, system: 'Be brief.' });
      if (type === 'gemini') expect(req.body.generationConfig).to.deep.equal({ temperature: 0.3, maxOutputTokens: 50 });
    });

    it('streams content in pieces, then one end event with the whole result', async () => {
      up.enqueue({ chunks: ['Hel', 'lo', ' world'], usage: { promptTokens: 3, completionTokens: 3 } });
      const events = await collect(adapter.stream(endpoint(), request()));
      expect(events.filter((e) => e.type === 'content').map((e) => (e as { text: string }).text)).to.deep.equal(['Hel', 'lo', ' world']);
      const end = events[events.length - 1];
      expect(end.type).to.equal('end');
      if (end.type !== 'end') return;
      expect(end.result.content).to.equal('Hello world');
      expect(end.result.usage.totalTokens).to.equal(6);
      expect(up.requests[0].stream).to.equal(true);
    });

    it('sends tool definitions, returns tool calls, and sends tool results back', async () => {
      up.enqueue({ toolCalls: [{ id: 'c1', name: 'get_weather', args: { city: 'Berlin' } }] });
      const first = await adapter.chat(endpoint(), request({ tools: [tool] }));
      expect(first.toolCalls).to.have.length(1);
      expect(first.toolCalls[0]).to.include({ name: 'get_weather' });
      expect(first.toolCalls[0].args).to.deep.equal({ city: 'Berlin' });
      const sentTools = JSON.stringify(up.requests[0].body.tools);
      expect(sentTools).to.include('get_weather').and.include('Weather of a city');
      if (type === 'gemini') expect(sentTools).not.to.include('additionalProperties');

      up.enqueue({ text: 'Sunny in Berlin.' });
      const call = first.toolCalls[0];
      const second = await adapter.chat(
        endpoint(),
        request({
          tools: [tool],
          messages: [
            ...request().messages,
            { role: 'assistant', content: '', toolCalls: [call] },
            { role: 'tool', content: '{"sky":"sunny"}', toolCallId: call.id, name: call.name },
          ],
        }),
      );
      expect(second.content).to.equal('Sunny in Berlin.');
      const wire = textsOf(type, up.requests[1].body);
      expect(wire).to.include('sunny');
      if (type === 'openai') expect(up.requests[1].body.messages[3]).to.deep.include({ role: 'tool', tool_call_id: call.id });
      if (type === 'claude') expect(up.requests[1].body.messages[2].content[0]).to.deep.include({ type: 'tool_result', tool_use_id: call.id });
      if (type === 'gemini') expect(up.requests[1].body.contents[2].parts[0].functionResponse).to.deep.include({ name: 'get_weather' });
    });

    it('assembles streamed tool calls', async () => {
      up.enqueue({ text: 'Checking.', toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }, { name: 'get_weather', args: { city: 'Rome' } }] });
      const events = await collect(adapter.stream(endpoint(), request({ tools: [tool] })));
      const end = events[events.length - 1];
      if (end.type !== 'end') throw new Error('no end event');
      expect(end.result.content).to.equal('Checking.');
      expect(end.result.toolCalls.map((c) => c.args)).to.deep.equal([{ city: 'Paris' }, { city: 'Rome' }]);
      expect(new Set(end.result.toolCalls.map((c) => c.id)).size).to.equal(2);
    });

    for (const status of [401, 429, 500]) {
      it(`turns HTTP ${status} into an UpstreamError with the upstream's status and message`, async () => {
        up.enqueue({ error: { status, message: `upstream says ${status}` } });
        const err = await rejection(adapter.chat(endpoint(), request()));
        expect(err).to.include({ kind: 'http', status, message: `upstream says ${status}` });
      });
    }

    it('reports an error status on a streamed request too', async () => {
      up.enqueue({ error: { status: 429, message: 'slow down' } });
      const err = await rejection(collect(adapter.stream(endpoint(), request())));
      expect(err).to.include({ status: 429, message: 'slow down' });
    });

    it('gives up on an upstream that does not answer (connect timeout)', async () => {
      up.enqueue({ hang: true });
      const started = Date.now();
      const err = await rejection(adapter.chat(endpoint({ timeout: { connect: 200, read: 1000 } }), request()));
      expect(err.kind).to.equal('timeout');
      expect(Date.now() - started).to.be.below(5000);
      await up.requests[0].closed;
    });

    it('gives up on a stream that goes silent (read timeout)', async () => {
      up.enqueue({ chunks: ['a', 'b', 'c'], chunkDelayMs: 600 });
      const err = await rejection(collect(adapter.stream(endpoint({ timeout: { connect: 1000, read: 200 } }), request())));
      expect(err.kind).to.equal('timeout');
    });

    it('reports a dropped connection as a network error', async () => {
      up.enqueue({ drop: 'before-headers' });
      const err = await rejection(adapter.chat(endpoint(), request()));
      expect(err.kind).to.equal('network');
      up.enqueue({ text: 'abcdefghi', drop: 'mid-stream' });
      const midStream = await rejection(collect(adapter.stream(endpoint(), request())));
      expect(midStream.kind).to.equal('network');
    });

    it('aborts the upstream request when the caller aborts', async () => {
      up.enqueue({ chunks: ['one', 'two', 'three'], chunkDelayMs: 300 });
      const controller = new AbortController();
      const seen: string[] = [];
      const err = await rejection(
        (async () => {
          for await (const e of adapter.stream(endpoint({ signal: controller.signal }), request())) {
            if (e.type === 'content') {
              seen.push(e.text);
              controller.abort();
            }
          }
        })(),
      );
      expect(err.kind).to.equal('aborted');
      expect(seen).to.deep.equal(['one']);
      await up.requests[0].closed;
      expect(up.requests[0].closedEarly).to.equal(true);
    });

    it('lists the upstream models', async () => {
      up.models = ['zeta', 'alpha'];
      expect(await adapter.listModels(endpoint())).to.deep.equal(['alpha', 'zeta']);
    });

    it('rejects a malformed answer as a format error', async () => {
      up.enqueue({ json: { nothing: true } });
      const err = await rejection(adapter.chat(endpoint(), request()));
      expect(err.kind).to.equal('format');
    });
  });
}

describe('lib/llm custom auth', () => {
  it('uses the channel header name and prefix for api-key auth', async () => {
    const up = await startUpstream();
    try {
      await adapterFor('openai').chat(
        { baseUrl: up.baseUrl('openai'), apiKey: 'secret-1', auth: { type: 'api-key', headerName: 'X-My-Key', prefix: 'Key ' }, headers: { 'X-Extra': '1' } },
        { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      );
      expect(up.requests[0].headers['x-my-key']).to.equal('Key secret-1');
      expect(up.requests[0].headers['x-extra']).to.equal('1');
      expect(up.requests[0].headers.authorization).to.equal(undefined);
    } finally {
      await up.close();
    }
  });
});
