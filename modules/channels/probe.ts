/**
 * What the channels module asks upstream: a test chat and the model list (both through the one
 * upstream path, `callUpstream`, which accounts for them), and base-URL latency probes (a bare GET,
 * no key, no model: not an LLM call).
 */
import { HttpError } from '../../kernel/index.ts';
import { callUpstream, upstreamFailure, UpstreamError, upstreamRequest, type Channel, type ChatResult, type UpstreamDeps, type UpstreamResponse } from '../../lib/llm/index.ts';

const TEST_PROMPT = 'Say hello in one short sentence.';
/** The model a test asks for when neither the caller nor the channel names one. */
const FALLBACK_TEST_MODEL: Record<Channel['adapterType'], string> = { openai: 'gpt-3.5-turbo', claude: 'claude-3-5-haiku-latest', gemini: 'gemini-2.0-flash' };
const PROBE_TIMEOUT_MS = 5000;
const OPENAI_HOST = 'api.openai.com';

/** An upstream failure as the client sees it: 502 API_ERROR with the upstream's status and message. */
export function apiError(err: unknown, what: string): HttpError {
  const failure = upstreamFailure(err, what);
  if (failure instanceof HttpError) return failure;
  throw err;
}

export interface TestOutcome {
  result: ChatResult;
  elapsed: number;
  model: string;
  keyInfo: { index: number; name: string; strategy: string };
}

/** The model to test when the caller names none: the channel's first, else a common one of its adapter. */
export function defaultTestModel(channel: Channel): string {
  return channel.models[0] ?? FALLBACK_TEST_MODEL[channel.adapterType];
}

export interface TestChatOptions {
  /** The user message (default: a short hello). */
  prompt?: string;
  /** Aborts the upstream request (a stopped test, a client gone). */
  signal?: AbortSignal;
}

/**
 * Sends one short chat to the channel (streamed when the channel streams), a `test` call made for an API
 * caller. `stored`: the channel is the stored one as stored, so its statistics count the call.
 */
export async function testChat(deps: UpstreamDeps, channel: Channel, model: string, maxTokens: number, stored: boolean, opts: TestChatOptions = {}): Promise<TestOutcome> {
  const request = { model, messages: [{ role: 'user' as const, content: opts.prompt ?? TEST_PROMPT }], maxTokens };
  const out = await callUpstream(deps, channel, { kind: 'test', source: 'api', stored, stream: channel.advanced?.streaming?.enabled, signal: opts.signal, request });
  return { result: out.value, elapsed: out.durationMs, model: out.model, keyInfo: { index: out.key.index, name: out.key.name, strategy: out.key.strategy } };
}

/** The upstream's model ids; the official OpenAI host also lists non-chat models, which are left out. */
export async function fetchModels(deps: UpstreamDeps, channel: Channel, stored: boolean): Promise<string[]> {
  const { value: models } = await callUpstream(deps, channel, { kind: 'models', source: 'api', stored });
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
