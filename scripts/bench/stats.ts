/**
 * Benchmark: `GET /api/stats/usage?days=30` with 100,000 recorded upstream calls (target ≤ 50 ms,
 * docs/architecture.md#benchmarks). The records are written in the stats module's own format (a file of JSON lines
 * per day, no rollup checkpoints) into a temporary DATA_DIR before the server starts, spread over
 * the last 30 days, 8 channels, 20 models, 200 groups and 3,000 users; the server's first start
 * reads them all, so the time to its first answer is reported too.
 */
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeModulesDir } from '../../test/support/modules.ts';
import { dayOf } from '../../modules/stats/days.ts';
import { recordId, type UsageRecord } from '../../modules/stats/usage.ts';
import { startBenchKernel } from './support/kernel.ts';
import { info, runIfMain, target, type Figure } from './support/figures.ts';
import { median } from './support/stats.ts';

const RECORDS = 100_000;
const DAYS = 30;
const WARMUP = 20;
const SAMPLES = 200;
const TARGET_MS = 50;

function record(i: number, now: number): UsageRecord {
  const timestamp = now - Math.floor((i / RECORDS) * (DAYS - 1) * 86_400_000) - (i % 3600) * 1000;
  const failed = i % 20 === 0;
  const prompt = failed ? 0 : 200 + (i % 500);
  const completion = failed ? 0 : 50 + (i % 300);
  return {
    id: recordId(timestamp),
    timestamp,
    kind: i % 50 === 0 ? 'summary' : 'chat',
    source: i % 50 === 0 ? 'system' : i % 3 === 0 ? 'api' : 'bot',
    channelId: `channel-${i % 8}`,
    model: `model-${i % 20}`,
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: prompt + completion,
    durationMs: 300 + (i % 2000),
    success: !failed,
    errorKind: failed ? 'http_429' : null,
    error: failed ? 'Rate limit reached for requests' : null,
    groupId: i % 4 === 0 ? null : String(100000 + (i % 200)),
    userId: String(200000 + (i % 3000)),
  };
}

/** Writes the records as the module does: `stats/usage/<day>.ndjson`, one JSON line each. */
async function seed(dataDir: string): Promise<void> {
  const folder = path.join(dataDir, 'stats', 'usage');
  await mkdir(folder, { recursive: true });
  const now = Date.now();
  const byDay = new Map<string, string[]>();
  for (let i = 0; i < RECORDS; i++) {
    const r = record(i, now);
    const lines = byDay.get(dayOf(r.timestamp)) ?? [];
    lines.push(JSON.stringify(r));
    byDay.set(dayOf(r.timestamp), lines);
  }
  for (const [day, lines] of byDay) await appendFile(path.join(folder, `${day}.ndjson`), lines.join('\n') + '\n', { mode: 0o600 });
}

export async function run(): Promise<Figure[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-stats-'));
  const modules = await makeModulesDir({ real: ['auth', 'system', 'stats'] });
  try {
    await seed(dataDir);
    const started = performance.now();
    const kernel = await startBenchKernel({ modulesDir: modules.dir, dataDir });
    try {
      const usage = async () => {
        const t = performance.now();
        const res = await kernel.request('GET', '/api/stats/usage?days=30');
        const ms = performance.now() - t;
        if (res.status !== 200) throw new Error(`/api/stats/usage answered ${res.status}: ${res.text}`);
        return { ms, calls: res.body.data.total.calls as number };
      };
      // The first answer waits for the module to have read every record (and written its checkpoints).
      const { calls } = await usage();
      const firstMs = performance.now() - started;
      if (calls !== RECORDS) throw new Error(`the usage answer counts ${calls} calls, not the ${RECORDS} seeded`);
      for (let i = 0; i < WARMUP; i++) await usage();
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) times.push((await usage()).ms);
      const sorted = [...times].sort((a, b) => a - b);
      return [
        info(`start → first /api/stats/usage answer, ${RECORDS} records without rollup checkpoints`, firstMs, 'ms', 0),
        info(`GET /api/stats/usage?days=30 at ${RECORDS} records, p95 of ${SAMPLES}`, sorted[Math.floor(SAMPLES * 0.95)], 'ms'),
        target(`GET /api/stats/usage?days=30 at ${RECORDS} records, median of ${SAMPLES}`, median(times), 'ms', '≤', TARGET_MS),
      ];
    } finally {
      await kernel.stop();
    }
  } finally {
    await modules.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
