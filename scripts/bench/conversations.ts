/**
 * Benchmark: latency of appending one message to a stored conversation with 5,000 conversations
 * stored ÷ with 10 (target ≤ 1.5, docs/architecture.md#benchmarks). Both stores live side by side and are measured in
 * one run, alternating, so disk and CPU drift hit both alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../kernel/log.ts';
import { createStore } from '../../kernel/store.ts';
import { conversationStore, type ConversationStore } from '../../lib/conversations/index.ts';
import { info, runIfMain, target, type Figure } from './support/figures.ts';

const SMALL = 10;
const LARGE = 5000;
const SAMPLES = 300;
const SEED_BATCH = 200;
const TARGET = 1.5;

const message = (n: number) => ({ role: 'user' as const, content: `message ${n}: ${'lorem ipsum '.repeat(8)}` });

async function seed(conversations: ConversationStore, count: number): Promise<void> {
  for (let start = 0; start < count; start += SEED_BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + SEED_BATCH); i++) {
      batch.push(conversations.append(`group:${i}:user:${i}`, [message(1), message(2), message(3), message(4)], { userId: String(i), groupId: String(i) }));
    }
    await Promise.all(batch);
  }
}

async function timeAppend(conversations: ConversationStore, count: number, n: number): Promise<number> {
  const i = Math.floor(Math.random() * count);
  const start = process.hrtime.bigint();
  await conversations.append(`group:${i}:user:${i}`, [message(n)]);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

export async function run(): Promise<Figure[]> {
  const root = await mkdtemp(path.join(tmpdir(), 'bench-conversations-'));
  try {
    const log = createLogger('bench', 'error');
    const small = conversationStore(createStore(path.join(root, 'small'), log));
    const large = conversationStore(createStore(path.join(root, 'large'), log));
    await seed(small, SMALL);
    await seed(large, LARGE);

    const smallTimes: number[] = [];
    const largeTimes: number[] = [];
    for (let n = 0; n < SAMPLES; n++) {
      smallTimes.push(await timeAppend(small, SMALL, n));
      largeTimes.push(await timeAppend(large, LARGE, n));
    }
    return [
      info(`append one message, median latency with ${SMALL} conversations`, median(smallTimes), 'ms', 3),
      info(`append one message, median latency with ${LARGE} conversations`, median(largeTimes), 'ms', 3),
      target(`append one message: latency with ${LARGE} conversations ÷ with ${SMALL}`, median(largeTimes) / median(smallTimes), 'ratio', '≤', TARGET),
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
