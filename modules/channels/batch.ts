/**
 * Model tests of a stored channel: one model, or many at a bounded concurrency — what
 * `POST /api/channels/batch-test` answers at once and the test panel streams as it goes.
 */
import { badRequest } from '../../kernel/index.ts';
import type { Channel, UpstreamDeps } from '../../lib/llm/index.ts';
import { apiError, testChat, type TestOutcome } from './probe.ts';

/** At most this many models in one batch: one request must not queue an unbounded run of upstream calls. */
export const MAX_BATCH_MODELS = 200;
/** At most this many tests of one batch run at once (the schemas' bound and the original's default). */
export const MAX_BATCH_CONCURRENCY = 10;
export const DEFAULT_BATCH_CONCURRENCY = 3;

const MODEL_TEST_MAX_TOKENS = 50;
const RESPONSE_PREVIEW_CHARS = 100;

export interface ModelTestResult {
  model: string;
  success: boolean;
  elapsed: number;
  /** The answer's first 100 characters, on success. */
  response?: string;
  keyInfo?: TestOutcome['keyInfo'];
  /** What failed, and the upstream's HTTP status (0 without an answer), on failure. */
  error?: string;
  status?: number;
}

/** One model's test; a failure is a result with `success: false`, never a throw (an abort included). */
export async function testModel(deps: UpstreamDeps, channel: Channel, model: string, signal?: AbortSignal): Promise<ModelTestResult> {
  const started = performance.now();
  try {
    const out = await testChat(deps, channel, model, MODEL_TEST_MAX_TOKENS, true, { signal });
    return { model, success: true, elapsed: out.elapsed, response: out.result.content.slice(0, RESPONSE_PREVIEW_CHARS), keyInfo: out.keyInfo };
  } catch (err) {
    const e = apiError(err, 'test failed');
    return { model, success: false, elapsed: Math.round(performance.now() - started), error: e.message, status: (e.extra?.details as { status?: number })?.status };
  }
}

/** The models a batch tests: those asked for, else the channel's; 400 when none or more than MAX_BATCH_MODELS. */
export function modelsToTest(channel: Channel, requested: string[] | undefined): string[] {
  const models = requested?.length ? requested : channel.models;
  if (!models.length) throw badRequest('the channel has no models to test', 'body.models');
  if (models.length > MAX_BATCH_MODELS) {
    throw badRequest(`at most ${MAX_BATCH_MODELS} models in one batch test; the channel has ${models.length}: name the ones to test in models`, 'body.models');
  }
  return models;
}

export type IndexedResult = ModelTestResult & { index: number };

export interface BatchHooks {
  /** Once aborted, no further test starts and the running ones' upstream requests are aborted. */
  signal?: AbortSignal;
  /** A model's test starts; `running` counts it. */
  onTesting?(model: string, index: number, running: number): void;
  /** A model's test ended; `running` no longer counts it. */
  onResult?(result: IndexedResult, running: number): void;
}

/** Tests `models` with at most `concurrency` at once; answers the results of the tests that ran, by index. */
export async function runBatch(deps: UpstreamDeps, channel: Channel, models: string[], concurrency: number, hooks: BatchHooks = {}): Promise<IndexedResult[]> {
  const results: IndexedResult[] = [];
  let next = 0;
  let running = 0;
  const worker = async () => {
    while (next < models.length && !hooks.signal?.aborted) {
      const index = next++;
      running++;
      hooks.onTesting?.(models[index], index, running);
      const result = { index, ...(await testModel(deps, channel, models[index], hooks.signal)) };
      running--;
      results.push(result);
      hooks.onResult?.(result, running);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, MAX_BATCH_CONCURRENCY, models.length) }, worker));
  return results.sort((a, b) => a.index - b.index);
}
