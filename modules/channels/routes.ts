/** Routes of `/api/channels` (docs/api.md#channels): CRUD, upstream tests, model lists, base-URL selection, stats. */
import { badRequest, HttpError, notFound, requestBody } from '../../kernel/index.ts';
import type { ModuleContext, ModuleRouter } from '../../kernel/index.ts';
import { channelsCollection, describeStats, emptyStats, usageCollection, type Channel } from '../../lib/llm/index.ts';
import { modelsToTest, runBatch, testModel } from './batch.ts';
import { apiError, defaultTestModel, fetchModels, probeUrl, testChat } from './probe.ts';
import * as schemas from './schemas.ts';
import { testPanelRoutes } from './test-panel.ts';
import { applyInput, hasOwnKey, publicView, type ChannelInput } from '../../lib/llm/channel-input.ts';

/** Ids ending in this are built-in: deleting one only disables it. */
const DEFAULT_SUFFIX = '-default';

const missing = (id: string) => notFound('CHANNEL_NOT_FOUND', `Channel "${id}" not found`);

export function routes(router: ModuleRouter, ctx: ModuleContext): void {
  const channels = channelsCollection(ctx.store);
  const usage = usageCollection(ctx.store);

  const find = async (id: string): Promise<Channel> => {
    const channel = (await channels.read()).channels.find((c) => c.id === id);
    if (!channel) throw missing(id);
    return channel;
  };

  /** Applies `fn` to the stored channel `id` and answers its new public view. */
  const change = (id: string, fn: (channel: Channel) => Channel | void) =>
    channels.update((data) => {
      const index = data.channels.findIndex((c) => c.id === id);
      if (index === -1) throw missing(id);
      data.channels[index] = fn(data.channels[index]) ?? data.channels[index];
      return data.channels[index];
    });

  /**
   * The channel a test or model listing runs against: a stored one (with optional overrides) or an
   * inline one. The stored keys only ever go to the stored base URLs (docs/http.md#secrets, applyInput);
   * the outcome of a call with other URLs or keys is not recorded on the stored channel.
   */
  const target = async (body: ChannelInput): Promise<{ channel: Channel; stored: boolean }> => {
    if (!body.id) {
      if (!hasOwnKey(body)) throw badRequest('an inline channel needs its own apiKey', 'body.apiKey');
      return { channel: applyInput(body, undefined), stored: false };
    }
    const stored = await find(body.id);
    const { id: _id, ...overrides } = body;
    const channel = applyInput(overrides, stored);
    const movedUrl = channel.baseUrl !== stored.baseUrl || JSON.stringify(channel.baseUrls) !== JSON.stringify(stored.baseUrls);
    return { channel, stored: !movedUrl && !hasOwnKey(body) };
  };

  const withStats = async (list: Channel[]) => {
    const all = (await usage.read()).channels;
    return list.map((c) => ({ ...publicView(c), stats: describeStats(all[c.id] ?? emptyStats()) }));
  };

  const listChannels = async (c: { query: Record<string, unknown>; body: unknown }) => {
    const list = (await channels.read()).channels;
    c.body = c.query.withStats ? await withStats(list) : list.map(publicView);
  };
  router.get('/', ctx.validate({ summary: 'All channels (keys masked)', query: schemas.listQuery }), listChannels);
  router.get('/list', ctx.validate({ summary: 'All channels (keys masked); withStats=1 adds usage statistics', query: schemas.listQuery }), listChannels);

  router.get('/stats', ctx.validate({ summary: 'Usage statistics of one channel, or of all by id', query: schemas.statsQuery }), async (c) => {
    const all = (await usage.read()).channels;
    const id = c.query.id as string | undefined;
    c.body = id ? describeStats(all[id]) : Object.fromEntries(Object.entries(all).map(([k, v]) => [k, describeStats(v)]));
  });

  router.post('/test', ctx.validate({ summary: 'Send one short chat through a stored or inline channel', body: schemas.testBody }), async (c) => {
    const body = requestBody<ChannelInput & { model?: string }>(c);
    const { channel, stored } = await target(body);
    const model = body.model ?? defaultTestModel(channel);
    const now = Date.now();
    try {
      const out = await testChat(ctx, channel, model, channel.advanced?.llm?.maxTokens || 100, stored);
      if (stored) await change(channel.id, (ch) => void Object.assign(ch, { status: 'active', lastHealthCheck: now, testedAt: now }));
      c.body = {
        success: true,
        message: `connected in ${out.elapsed}ms`,
        testResponse: out.result.content,
        elapsed: out.elapsed,
        latency: out.elapsed,
        model: out.model,
        usage: out.result.usage,
        keyInfo: out.keyInfo,
      };
    } catch (err) {
      if (stored) await change(channel.id, (ch) => void Object.assign(ch, { status: 'error', lastHealthCheck: now, testedAt: now }));
      throw apiError(err, 'connection failed');
    }
  });

  router.post('/test-model', ctx.validate({ summary: 'Test one model of a stored channel (always 200, success flag inside)', body: schemas.testModelBody }), async (c) => {
    const { channelId, model } = requestBody<{ channelId: string; model: string }>(c);
    c.body = await testModel(ctx, await find(channelId), model);
  });

  router.post('/batch-test', ctx.validate({ summary: 'Test many models of a stored channel', body: schemas.batchTestBody }), async (c) => {
    const body = requestBody<{ channelId: string; models?: string[]; concurrency: number }>(c);
    const channel = await find(body.channelId);
    const models = modelsToTest(channel, body.models);
    const results = await runBatch(ctx, channel, models, body.concurrency);
    const success = results.filter((r) => r.success).length;
    c.body = { total: models.length, success, failed: models.length - success, channelId: channel.id, channelName: channel.name, results };
  });

  router.post('/fetch-models', ctx.validate({ summary: "List the upstream's models for a stored or inline channel", body: schemas.fetchModelsBody }), async (c) => {
    const { channel, stored } = await target(requestBody<ChannelInput>(c));
    try {
      c.body = { models: await fetchModels(ctx, channel, stored) };
    } catch (err) {
      throw apiError(err, 'fetching models failed');
    }
  });

  // Fixed paths before `/:id`.
  testPanelRoutes(router, ctx, find);

  router.get('/:id', ctx.validate({ summary: 'One channel (keys masked)', params: schemas.idParams }), async (c) => {
    c.body = publicView(await find(c.params.id));
  });

  router.get('/:id/models', ctx.validate({ summary: "The upstream's models, asked with the stored key at the stored base URL", params: schemas.idParams }), async (c) => {
    const channel = await find(c.params.id);
    try {
      c.body = { models: await fetchModels(ctx, channel, true) };
    } catch (err) {
      throw apiError(err, 'fetching models failed');
    }
  });

  router.post('/:id/test-baseurls', ctx.validate({ summary: 'Probe every base URL and select the fastest reachable one', params: schemas.idParams, body: schemas.testBaseUrlsBody }), async (c) => {
    const { forceRetest } = requestBody<{ forceRetest?: boolean }>(c);
    const channel = await find(c.params.id);
    const latencies: Record<string, number | null> = {};
    await Promise.all(
      channel.baseUrls.map(async (url) => {
        const known = channel.baseUrlLatencies[url];
        latencies[url] = !forceRetest && known !== undefined ? known : await probeUrl(url);
      }),
    );
    const reachable = channel.baseUrls.filter((u) => latencies[u] !== null && latencies[u] !== undefined);
    const best = reachable.sort((a, b) => (latencies[a] as number) - (latencies[b] as number))[0] ?? channel.baseUrls[0];
    const selectedIndex = channel.baseUrls.indexOf(best);
    await change(channel.id, (ch) => void Object.assign(ch, { baseUrlLatencies: latencies, baseUrl: best, selectedBaseUrlIndex: selectedIndex, updatedAt: Date.now() }));
    c.body = {
      selectedIndex,
      selectedUrl: best,
      latencies,
      message: reachable.length ? `selected ${best} (${latencies[best]} ms)` : 'no base URL is reachable; kept the first',
    };
  });

  router.put('/:id/select-baseurl', ctx.validate({ summary: 'Choose a base URL by index', params: schemas.idParams, body: schemas.selectBaseUrlBody }), async (c) => {
    const { index } = requestBody<{ index: number }>(c);
    const updated = await change(c.params.id, (ch) => {
      if (index >= ch.baseUrls.length) throw badRequest('Invalid baseUrl index', 'body.index');
      Object.assign(ch, { selectedBaseUrlIndex: index, baseUrl: ch.baseUrls[index], updatedAt: Date.now() });
    });
    c.body = { selectedIndex: index, selectedUrl: updated.baseUrl, message: `using ${updated.baseUrl}` };
  });

  router.post('/', ctx.validate({ summary: 'Create a channel', body: schemas.createBody }), async (c) => {
    const input = requestBody<ChannelInput>(c);
    const created = await channels.update((data) => {
      if (input.id && data.channels.some((ch) => ch.id === input.id)) throw new HttpError(409, 'CHANNEL_EXISTS', `Channel "${input.id}" already exists`);
      const channel = applyInput(input, undefined);
      data.channels.push(channel);
      return channel;
    });
    c.status = 201;
    c.body = publicView(created);
  });

  router.put('/:id', ctx.validate({ summary: 'Update a channel (masked keys keep the stored ones)', params: schemas.idParams, body: schemas.updateBody }), async (c) => {
    const { id: _ignored, ...input } = requestBody<ChannelInput>(c);
    c.body = publicView(await change(c.params.id, (ch) => applyInput(input, ch)));
  });

  router.delete('/:id', ctx.validate({ summary: `Delete a channel (ids ending in "${DEFAULT_SUFFIX}" are only disabled)`, params: schemas.idParams }), async (c) => {
    const { id } = c.params;
    if (id.endsWith(DEFAULT_SUFFIX)) {
      await change(id, (ch) => void Object.assign(ch, { enabled: false, status: 'disabled', updatedAt: Date.now() }));
    } else {
      await channels.update((data) => {
        const index = data.channels.findIndex((ch) => ch.id === id);
        if (index === -1) throw missing(id);
        data.channels.splice(index, 1);
      });
      await usage.update((data) => void delete data.channels[id]);
    }
    c.body = null;
  });
}
