/** What the channels module asks upstream: a test chat, the model list, base-URL latency probes. */
import { HttpError } from '../../kernel/index.ts';
import { adapterFor, applyChannel, finishCall, prepareCall, UpstreamError, upstreamRequest, type Channel, type ChatResult, type StoreLike, type UpstreamResponse } from '../../lib/llm/index.ts';

const TEST_PROMPT = 'Say hello in one short sentence.';
const PROBE_TIMEOUT_MS = 5000;
const OPENAI_HOST = 'api.openai.com';

/** An upstream failure as the client sees it: 502 API_ERROR with the upstream's status and message. */
export function apiError(err: unknown, what: string): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof UpstreamError) {
    return new HttpError(502, 'API_ERROR', `${what}: ${err.message}`, { extra: { details: { status: err.status, message: err.message, kind: err.kind } } });
  }
  throw err;
}

export interface TestOutcome {
  result: ChatResult;
  elapsed: number;
  model: string;
  keyInfo: { index: number; name: string; strategy: string };
}

/** Sends one short chat to the channel (streamed when the channel streams) and records it as a `test` call. */
export async function testChat(store: StoreLike, channel: Channel, model: string, maxTokens: number, persisted: boolean): Promise<TestOutcome> {
  const call = prepareCall(channel, model);
  const request = applyChannel(call, { model, messages: [{ role: 'user', content: TEST_PROMPT }], maxTokens });
  const adapter = adapterFor(channel.adapterType);
  const started = performance.now();
  try {
    let result: ChatResult | undefined;
    if (channel.advanced?.streaming?.enabled) {
      for await (const event of adapter.stream(call.endpoint, request)) if (event.type === 'end') result = event.result;
    } else result = await adapter.chat(call.endpoint, request);
    if (!result) throw new UpstreamError('format', 200, 'stream ended without a result');
    if (persisted) await finishCall(store, call, { usage: result.usage }, 'test');
    return { result, elapsed: Math.round(performance.now() - started), model: call.model, keyInfo: { index: call.key.index, name: call.key.name, strategy: call.key.strategy } };
  } catch (err) {
    if (persisted) await finishCall(store, call, { error: err }, 'test');
    throw err;
  }
}

/** The upstream's model ids; the official OpenAI host also lists non-chat models, which are left out. */
export async function fetchModels(channel: Channel): Promise<string[]> {
  const call = prepareCall(channel, '');
  const models = await adapterFor(channel.adapterType).listModels(call.endpoint);
  const official = (() => {
    try {
      return new URL(channel.baseUrl).hostname === OPENAI_HOST;
    } catch {
      return false;
    }
  })();
  return official ? models.filter((m) => /gpt|text-embedding|o1|o3/.test(m)) : models;
}

/**
 * Latency of one base URL in ms, or null when unreachable (2xx, 401 and 403 count as reachable; a
 * redirect does not, since chat calls do not follow one either).
 */
export async function probeUrl(url: string): Promise<number | null> {
  const target = url.includes('/v1') ? `${url.replace(/\/+$/, '')}/models` : `${url.replace(/\/+$/, '')}/`;
  const started = performance.now();
  let res: UpstreamResponse;
  try {
    res = await upstreamRequest(target, {}, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (err) {
    if (err instanceof UpstreamError && (err.status === 401 || err.status === 403)) return Math.round(performance.now() - started);
    return null;
  }
  const latency = Math.round(performance.now() - started);
  // Only the status matters: stop at the first piece of the body (which cuts a request still sending).
  try {
    for await (const _ of res.chunks()) break;
  } catch {
    /* reachable all the same */
  }
  return latency;
}
