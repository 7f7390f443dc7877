import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../kernel/log.ts';
import { createStore } from '../../../kernel/store.ts';
import { channelDefaults, channelsCollection, describeStats, recordCall, usageCollection, type Channel } from '../../../lib/llm/index.ts';

describe('lib/llm usage accounting', () => {
  let dir: string;
  let store: ReturnType<typeof createStore>;
  const HOUR = 3_600_000;
  const base = Date.UTC(2026, 0, 1);

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llm-usage-'));
    store = createStore(dir, createLogger('test', 'error'));
    const channel: Channel = { id: 'c1', name: 'C1', ...channelDefaults('openai', base) };
    channel.apiKeys = [{ key: 'k1', name: 'K1', enabled: true, weight: 100, usageCount: 0, errorCount: 0, lastUsed: null, lastError: null, lastErrorAt: null }];
    await channelsCollection(store).update((data) => void data.channels.push(channel));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps the channels file private (0600)', async () => {
    expect((await stat(path.join(dir, 'channels.json'))).mode & 0o777).to.equal(0o600);
  });

  it('counts calls, tokens and failures per model and key, and the key health on the channel', async () => {
    const usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };
    await recordCall(store, { channelId: 'c1', model: 'm1', keyIndex: 0, ok: true, usage, durationMs: 100, source: 'chat' }, base);
    await recordCall(store, { channelId: 'c1', model: 'm1', keyIndex: 0, ok: false, durationMs: 50, errorType: 'http_429', errorMessage: 'slow down', source: 'chat', switched: true }, base + 1);
    const stats = describeStats((await usageCollection(store).read()).channels.c1)!;
    expect(stats).to.include({ totalCalls: 2, successCalls: 1, failedCalls: 1, totalTokens: 15, switchCount: 1, avgDuration: 75, successRate: 50 });
    expect(stats.modelUsage).to.deep.equal({ m1: { calls: 2, success: 1, failed: 1, tokens: 15 } });
    expect(stats.errorTypes).to.deep.equal({ http_429: 1 });
    const key = (await channelsCollection(store).read()).channels[0].apiKeys[0];
    expect(key).to.include({ usageCount: 2, errorCount: 1, lastError: 'slow down', lastErrorAt: base + 1 });
    const onDisk = JSON.parse(await readFile(path.join(dir, 'channel-usage.json'), 'utf8'));
    expect(onDisk.channels.c1.totalCalls).to.equal(2);
  });

  it('stays bounded: 48 hourly buckets, 7 daily buckets, the 100 busiest models', async () => {
    // 105 calls two hours apart: more than 100 models, 48 hours and 7 days.
    for (let i = 0; i < 105; i++) {
      await recordCall(store, { channelId: 'c1', model: `model-${i}`, keyIndex: -1, ok: true, durationMs: 1, source: 'chat' }, base + i * 2 * HOUR);
    }
    const stats = (await usageCollection(store).read()).channels.c1;
    expect(Object.keys(stats.hourlyStats)).to.have.length(48);
    expect(Object.keys(stats.dailyStats)).to.have.length(7);
    expect(Object.keys(stats.modelUsage)).to.have.length(100);
    // The newest buckets are the ones kept.
    expect(Object.keys(stats.hourlyStats).sort().pop()).to.equal(new Date(base + 104 * 2 * HOUR).toISOString().slice(0, 13));
  });
});
