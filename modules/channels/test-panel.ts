/**
 * The original plugin's test panel (docs/api.md#channels): a batch test streamed as named SSE events
 * over its POST answer, stopping it, the running ones, a quick test and a channel's testable models.
 * Served only because the original had it — under this module's `/test-panel` and at the original's
 * `/api/test-panel` (the module's `originals`) — so every route is deprecated.
 *
 * A running test lives in this version's memory: the panel only watches it through its own stream,
 * and a version going away aborts it (the kernel closes the stream).
 */
import { randomBytes } from 'node:crypto';
import { notFound, requestBody } from '../../kernel/index.ts';
import type { ModuleContext, ModuleRouter, RouteSpec } from '../../kernel/index.ts';
import type { Channel } from '../../lib/llm/index.ts';
import { modelsToTest, runBatch } from './batch.ts';
import { apiError, defaultTestModel, testChat } from './probe.ts';
import * as schemas from './schemas.ts';

/** The original's quick test asked "say hello" with room for a short answer. */
const QUICK_TEST_PROMPT = 'Say hello.';
const QUICK_TEST_MAX_TOKENS = 100;

interface RunningTest {
  id: string;
  channelId: string;
  total: number;
  completed: number;
  /** Stopped by `batch-test-stop`. */
  aborted: boolean;
  startedAt: number;
  /** Aborts the test's upstream requests: on a stop, or when its client goes away. */
  controller: AbortController;
}

const deprecated = (spec: RouteSpec): RouteSpec => ({ ...spec, deprecated: true });

export function testPanelRoutes(router: ModuleRouter, ctx: ModuleContext, find: (id: string) => Promise<Channel>): void {
  const running = new Map<string, RunningTest>();
  ctx.onDispose(() => {
    for (const test of running.values()) test.controller.abort();
  });
  const stop = (test: RunningTest) => {
    test.aborted = true;
    test.controller.abort();
  };

  router.post(
    '/test-panel/batch-test',
    ctx.validate(deprecated({ summary: 'Test many models of a stored channel, streamed as SSE: clear, start, testing, result, progress, complete', body: schemas.panelBatchTestBody })),
    async (c) => {
      const body = requestBody<{ channelId: string; models?: string[]; concurrency: number; clearPrevious: boolean }>(c);
      const channel = await find(body.channelId);
      const models = modelsToTest(channel, body.models);
      const stream = ctx.sse(c, { named: true });
      const test: RunningTest = { id: `test_${Date.now()}_${randomBytes(5).toString('hex')}`, channelId: channel.id, total: models.length, completed: 0, aborted: false, startedAt: Date.now(), controller: new AbortController() };
      running.set(test.id, test);
      // Done, stopped or the client gone: nothing is left to run for it.
      stream.onClose(() => {
        test.controller.abort();
        running.delete(test.id);
      });

      if (body.clearPrevious) stream.send('clear', { message: 'previous results cleared' });
      stream.send('start', { testId: test.id, total: test.total, channelId: channel.id, channelName: channel.name, concurrency: body.concurrency });
      let successCount = 0;
      let failCount = 0;
      // The answer is the stream: the handler returns and the batch goes on writing to it.
      void runBatch(ctx, channel, models, body.concurrency, {
        signal: test.controller.signal,
        onTesting: (model, index, now) => stream.send('testing', { model, index, running: now }),
        onResult: (result, now) => {
          test.completed++;
          if (result.success) successCount++;
          else failCount++;
          stream.send('result', { ...result });
          stream.send('progress', { completed: test.completed, total: test.total, running: now, successCount, failCount });
        },
      })
        .then((results) => stream.send('complete', { testId: test.id, total: test.total, success: successCount, failed: failCount, aborted: test.aborted, results }))
        .catch((err) => ctx.log.error(`batch test ${test.id} failed: ${(err as Error)?.stack ?? String(err)}`))
        .finally(() => stream.close());
    },
  );

  router.post('/test-panel/batch-test-stop', ctx.validate(deprecated({ summary: 'Stop a running batch test (its upstream requests are aborted), or every one without testId', body: schemas.panelStopBody })), (c) => {
    const { testId } = requestBody<{ testId?: string }>(c);
    if (testId === undefined) {
      const all = [...running.values()];
      all.forEach(stop);
      c.body = { stopped: true, count: all.length };
      return;
    }
    const test = running.get(testId);
    if (!test) throw notFound('TEST_NOT_FOUND', `No running batch test "${testId}" (unknown or already finished)`);
    stop(test);
    c.body = { stopped: true, testId };
  });

  router.get('/test-panel/active-tests', ctx.validate(deprecated({ summary: 'The batch tests running now' })), (c) => {
    c.body = [...running.values()].map(({ id, channelId, completed, total, aborted, startedAt }) => ({ id, channelId, completed, total, aborted, startedAt }));
  });

  router.post('/test-panel/quick-test', ctx.validate(deprecated({ summary: 'Send one message to one model of a stored channel and answer the whole reply', body: schemas.quickTestBody })), async (c) => {
    const { channelId, model, message } = requestBody<{ channelId: string; model?: string; message?: string }>(c);
    const channel = await find(channelId);
    try {
      const out = await testChat(ctx, channel, model ?? defaultTestModel(channel), QUICK_TEST_MAX_TOKENS, true, { prompt: message ?? QUICK_TEST_PROMPT });
      c.body = { success: true, model: out.model, elapsed: out.elapsed, response: out.result.content, keyInfo: out.keyInfo };
    } catch (err) {
      throw apiError(err, 'quick test failed');
    }
  });

  router.get('/test-panel/channel-models/:id', ctx.validate(deprecated({ summary: "A stored channel's models to test, with its status", params: schemas.idParams })), async (c) => {
    const channel = await find(c.params.id);
    c.body = { channelId: channel.id, channelName: channel.name, models: channel.models, status: channel.status, testedAt: channel.testedAt ?? null };
  });
}
