/**
 * Benchmark: chat-stream time-to-first-byte through the kernel minus direct from the upstream
 * (target ≤ 5 ms, docs/architecture.md#benchmarks). "First byte" is the first piece of the answer's text: the first
 * `content` frame of `POST /api/chat/stream`, against the first content chunk of the same
 * OpenAI-protocol stream fetched straight from the local upstream. Requests alternate direct/kernel
 * so that load from elsewhere on a shared machine hits both alike; the figure is the difference of medians.
 */
import { makeModulesDir } from '../../test/support/modules.ts';
import { startUpstream } from '../../test/support/upstream.ts';
import { startBenchKernel } from './support/kernel.ts';
import { info, runIfMain, target, type Figure } from './support/figures.ts';
import { median } from './support/stats.ts';

const WARMUP = 20;
const SAMPLES = 150;
const TARGET_MS = 5;
/** The upstream "thinks" this long before its first byte, as a real model does. */
const UPSTREAM_DELAY_MS = 20;

/** Milliseconds from sending `init` to `url` until the streamed body contains `marker`; reads the rest. */
async function timeToMarker(url: string, init: RequestInit, marker: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, init);
  if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let seen = '';
  let at: number | undefined;
  for await (const chunk of res.body) {
    if (at === undefined) {
      seen += decoder.decode(chunk as Uint8Array, { stream: true });
      if (seen.includes(marker)) at = performance.now() - started;
    }
  }
  if (at === undefined) throw new Error(`${url}: the stream ended without "${marker}"`);
  return at;
}

export async function run(): Promise<Figure[]> {
  const upstream = await startUpstream({ defaultReply: { chunks: ['Hello', ' there', '!'], delayMs: UPSTREAM_DELAY_MS } });
  // The modules on the chat path only: other modules add nothing to this path but start-up time.
  const modules = await makeModulesDir({ real: ['auth', 'channels', 'chat', 'conversations'] });
  const kernel = await startBenchKernel({ modulesDir: modules.dir });
  try {
    const created = await kernel.request('POST', '/api/channels', {
      body: { id: 'bench', name: 'Bench', adapterType: 'openai', baseUrl: upstream.baseUrl('openai'), apiKey: 'sk-bench-0000-0000-0000', models: ['bench-model'] },
    });
    if (created.status !== 201) throw new Error(`creating the channel answered ${created.status}: ${created.text}`);

    const direct = () =>
      timeToMarker(
        `${upstream.baseUrl('openai')}/chat/completions`,
        {
          method: 'POST',
          headers: { authorization: 'Bearer sk-bench-0000-0000-0000', 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
        },
        '"content":"Hello"',
      );
    let n = 0;
    const throughKernel = () =>
      timeToMarker(
        `${kernel.url}/api/chat/stream`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${kernel.token}`, 'content-type': 'application/json' },
          // A new user each time: the history (and so the request) stays the same size.
          body: JSON.stringify({ message: 'hi', userId: `bench-${n++}`, tools: false }),
        },
        'event: content',
      );

    for (let i = 0; i < WARMUP; i++) {
      await direct();
      await throughKernel();
    }
    const directMs: number[] = [];
    const kernelMs: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      directMs.push(await direct());
      kernelMs.push(await throughKernel());
    }
    const d = median(directMs);
    const k = median(kernelMs);
    return [
      target('chat stream TTFB, kernel − direct (median)', k - d, 'ms', '≤', TARGET_MS),
      info('chat stream TTFB direct from the upstream (median)', d, 'ms'),
      info('chat stream TTFB through the kernel (median)', k, 'ms'),
    ];
  } finally {
    await kernel.stop();
    await upstream.close();
    await modules.cleanup();
  }
}

runIfMain(import.meta.url, run);
