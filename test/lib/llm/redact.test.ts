import { expect } from 'chai';
import { adapterFor } from '../../../lib/llm/adapters.ts';
import type { Endpoint } from '../../../lib/llm/index.ts';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.ts';
import { rejection } from '../../support/rejection.ts';

// Every secret here contains SECRET, so that one check finds any piece of one shown in clear.
const SK_KEY = 'sk-live-SECRET-0123456789-abcd';
const PLAIN_KEY = 'plain-SECRET-key-0123456789';

describe('lib/llm: upstream text is redacted before any caller sees it', () => {
  let echo: EchoUpstream;
  before(async () => {
    echo = await startEchoUpstream();
  });
  after(() => echo.close());
  beforeEach(() => {
    echo.respond = (text) => ({ status: 200, body: text });
  });

  const endpoint = (extra: Partial<Endpoint> = {}): Endpoint => ({ baseUrl: `${echo.url}/v1`, apiKey: SK_KEY, ...extra });

  it('masks the key an answer that is not JSON echoes (the Bearer header)', async () => {
    const err = await rejection(adapterFor('openai').listModels(endpoint()));
    expect(err).to.include({ kind: 'format' });
    expect(err.message).to.equal('upstream answered something that is not JSON: ECHO authorization=Bearer sk-****abcd');
  });

  it('masks the key an error body echoes, in every wire format', async () => {
    echo.respond = (text) => ({ status: 401, body: JSON.stringify({ error: { message: `bad key: ${text}` } }), contentType: 'application/json' });
    for (const type of ['openai', 'claude', 'gemini'] as const) {
      const err = await rejection(adapterFor(type).chat(endpoint({ baseUrl: echo.url, apiKey: PLAIN_KEY }), { model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
      expect(err, type).to.include({ kind: 'http', status: 401 });
      expect(err.message, type).to.include('pla****6789').and.not.include('SECRET');
    }
  });

  it('masks a key that an error event inside a stream echoes', async () => {
    echo.respond = (text) => ({
      status: 200,
      contentType: 'text/event-stream',
      body: `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: text } })}\n\n`,
    });
    const events = adapterFor('claude').stream(endpoint({ apiKey: PLAIN_KEY }), { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    const err = await rejection((async () => {
      for await (const _ of events);
    })());
    expect(err).to.include({ kind: 'http', status: 401 });
    expect(err.message).to.include('x-api-key=pla****6789').and.not.include('SECRET');
  });

  it('never shows a piece of a key that the length cut would split', async () => {
    // The key straddles the old cut (120 characters of the body) and the shown length (300 of the message).
    for (const pad of [90, 225]) {
      echo.respond = (text) => ({ status: 200, body: 'y'.repeat(pad) + text });
      const err = await rejection(adapterFor('claude').listModels(endpoint({ apiKey: PLAIN_KEY })));
      expect(err.message, `pad ${pad}`).not.to.include('SECRET');
      expect(err.message.length).to.be.at.most(300);
    }
  });

  it('masks secret custom headers and credential-shaped text that is no key of the endpoint', async () => {
    const proxyToken = 'Bearer proxy-SECRET-token-4242';
    echo.respond = (text) => ({ status: 200, body: `${text} upstream-saw=${proxyToken} other=sk-proj-SECRET-9999-zzzz` });
    const err = await rejection(adapterFor('openai').listModels(endpoint({ headers: { 'x-custom-token': 'custom-SECRET-value-777' } })));
    expect(err.message).to.include('x-custom-token=cus****-777').and.include('upstream-saw=Bearer pro****4242').and.include('other=sk-****zzzz');
    expect(err.message).not.to.include('SECRET');
  });

  it('masks a key that comes back as a model id', async () => {
    echo.respond = (text) => ({ status: 200, contentType: 'application/json', body: JSON.stringify({ data: [{ id: 'gpt-4o' }, { id: text }] }) });
    const models = await adapterFor('openai').listModels(endpoint());
    expect(models).to.deep.equal(['ECHO authorization=Bearer sk-****abcd', 'gpt-4o']);
  });
});
