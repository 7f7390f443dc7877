/**
 * Benchmark: authenticated, rate-limited `GET /api/system/status` through the real kernel (a child
 * process with every built-in module loaded), requests/s ÷ a bare `node:http` server answering the
 * same JSON body (target ≥ 0.40, docs/architecture.md#benchmarks). One load tool (autocannon, in this process) with the
 * same connections and duration for both; runs alternate kernel/bare/kernel/bare… so drift on a
 * shared machine hits both alike. The public health route (no token, no rate limit) is measured in
 * the same rounds, to tell the cost of the HTTP stack from the cost of auth and rate limiting.
 * Beside it: the servers' CPU time per request (from /proc), which other load on the machine moves
 * much less than requests/s; and, in the same rounds, the libraries the kernel is built on with none
 * of its code (support/library-stack-server.ts), which tells the libraries' cost from the kernel's, and
 * the bare server holding its answers to the end of the event-loop turn as the kernel does
 * (kernel/http/send-together.ts), which shows what that step alone is worth to any server.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildServer } from './support/child-server.ts';
import { startBenchKernel } from './support/kernel.ts';
import { info, runIfMain, target, type Figure } from './support/figures.ts';
import { cpuMs } from './support/proc.ts';
import { max, median, min, sum } from './support/stats.ts';

const CONNECTIONS = 10;
// Short runs, many rounds: the ratio is the median of per-round ratios, so a burst of load from
// another process on a shared machine spoils one round, not the figure.
const ROUNDS = 5;
const ROUND_SECONDS = 2;
const WARMUP_SECONDS = 1;
const TARGET = 0.4;

interface Load {
  requests: number;
  seconds: number;
  failed: number;
  /** CPU ms the server process used during the run. */
  cpu: number;
}

async function load(url: string, pid: number, seconds: number, headers: Record<string, string>): Promise<Load> {
  const cpuBefore = await cpuMs(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  const cpu = (await cpuMs(pid)) - cpuBefore;
  // `errors` counts connection errors and timeouts; a 429 or 5xx is a non-2xx.
  return { requests: result.requests.total, seconds: result.duration, failed: result.errors + result.non2xx, cpu };
}

export async function run(): Promise<Figure[]> {
  const kernel = await startBenchKernel();
  try {
    const statusUrl = `${kernel.url}/api/system/status`;
    const sample = await kernel.request('GET', '/api/system/status');
    if (sample.status !== 200) throw new Error(`GET /api/system/status answered ${sample.status}: ${sample.text}`);
    if (!sample.headers.get('x-ratelimit-limit')) throw new Error('GET /api/system/status is not rate-limited (no X-RateLimit-Limit header)');
    const bareScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support/bare-server.ts');
    const bare = await startChildServer(bareScript, { BARE_BODY: sample.text });
    const bareTogether = await startChildServer(bareScript, { BARE_BODY: sample.text, BARE_SEND_TOGETHER: '1' });
    const secret = randomBytes(32);
    const stackScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support/library-stack-server.ts');
    const stack = await startChildServer(stackScript, { BARE_BODY: sample.text, BENCH_SECRET: secret.toString('hex') });
    const stackAuth = { authorization: `Bearer ${jwt.sign({ sub: 'master', role: 'master' }, secret, { algorithm: 'HS256', expiresIn: '1h' })}` };
    const stackUrl = `${stack.url}/api/system/status`;
    try {
      const auth = { authorization: `Bearer ${kernel.token}` };
      await load(statusUrl, kernel.pid(), WARMUP_SECONDS, auth);
      await load(bare.url, bare.pid, WARMUP_SECONDS, {});
      await load(bareTogether.url, bareTogether.pid, WARMUP_SECONDS, {});
      await load(stackUrl, stack.pid, WARMUP_SECONDS, stackAuth);
      const stackRuns: Load[] = [];
      const kernelRuns: Load[] = [];
      const healthRuns: Load[] = [];
      const bareRuns: Load[] = [];
      const bareTogetherRuns: Load[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // The target's two runs back to back, so that a change in the machine's load between
        // them is as unlikely as it can be.
        kernelRuns.push(await load(statusUrl, kernel.pid(), ROUND_SECONDS, auth));
        bareRuns.push(await load(bare.url, bare.pid, ROUND_SECONDS, {}));
        healthRuns.push(await load(`${kernel.url}/api/system/health`, kernel.pid(), ROUND_SECONDS, {}));
        stackRuns.push(await load(stackUrl, stack.pid, ROUND_SECONDS, stackAuth));
        bareTogetherRuns.push(await load(bareTogether.url, bareTogether.pid, ROUND_SECONDS, {}));
      }
      const rate = (r: Load) => r.requests / r.seconds;
      const roundRatios = (runs: Load[]) => runs.map((r, i) => rate(r) / rate(bareRuns[i]));
      const ratio = (runs: Load[]) => median(roundRatios(runs));
      const statusRounds = roundRatios(kernelRuns);
      const cpuPerRequest = (runs: Load[]) => (sum(runs.map((r) => r.cpu)) / sum(runs.map((r) => r.requests))) * 1000;
      return [
        info('kernel: authenticated, rate-limited GET /api/system/status', median(kernelRuns.map(rate)), 'req/s', 0),
        info('kernel: public GET /api/system/health (no token, not rate-limited)', median(healthRuns.map(rate)), 'req/s', 0),
        info('bare node:http server, same JSON body as /status', median(bareRuns.map(rate)), 'req/s', 0),
        info('GET /api/system/health req/s ÷ bare node:http req/s', ratio(healthRuns), 'ratio'),
        target('GET /api/system/status req/s ÷ bare node:http req/s', median(statusRounds), 'ratio', '≥', TARGET),
        // How far the rounds spread shows how much the machine moved during the run.
        info(`the same, lowest of the ${ROUNDS} rounds`, min(statusRounds), 'ratio'),
        info(`the same, highest of the ${ROUNDS} rounds`, max(statusRounds), 'ratio'),
        info('the same libraries with no kernel code but its send-together step (Koa, koa-jwt remembered, koa-ratelimit, @koa/router) ÷ bare', ratio(stackRuns), 'ratio'),
        info('bare node:http sending its answers together at the end of the event-loop turn, as the kernel does ÷ bare', ratio(bareTogetherRuns), 'ratio'),
        info('server CPU per request: those libraries with no kernel code', cpuPerRequest(stackRuns), 'µs', 0),
        info('server CPU per request: GET /api/system/status', cpuPerRequest(kernelRuns), 'µs', 0),
        info('server CPU per request: GET /api/system/health', cpuPerRequest(healthRuns), 'µs', 0),
        info('server CPU per request: bare node:http', cpuPerRequest(bareRuns), 'µs', 0),
        info('status ÷ bare from CPU per request (bare µs ÷ kernel µs; little moved by other load)', cpuPerRequest(bareRuns) / cpuPerRequest(kernelRuns), 'ratio'),
        target('kernel answers not 2xx or failed (a tripped rate limit would void the ratio)', sum([...kernelRuns, ...healthRuns].map((r) => r.failed)), 'responses', '=', 0, 0),
        info('library-stack answers not 2xx or failed (would void its ratio)', sum(stackRuns.map((r) => r.failed)), 'responses', 0),
      ];
    } finally {
      await bare.stop();
      await bareTogether.stop();
      await stack.stop();
    }
  } finally {
    await kernel.stop();
  }
}

runIfMain(import.meta.url, run);
