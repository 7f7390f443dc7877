/**
 * The original's `GET /api/system/monitor`: memory, request rate, success rate and latency. The
 * original computed its `api` figures from its last upstream calls; here they are the kernel's HTTP
 * request counters (request-rates.ts). The kernel does not time requests, so `avgLatency` is null
 * rather than a made-up figure, and so are the original's token rates (GET /api/stats/usage has them).
 */
import os from 'node:os';
import type { KernelRuntime } from '../../kernel/index.ts';
import { mb, memoryUsage } from './status.ts';
import type { RequestRates } from './request-rates.ts';

const percent = (part: number, whole: number) => Math.round((part / whole) * 100);

export function monitor(runtime: KernelRuntime, rates: RequestRates) {
  const memory = memoryUsage();
  const systemTotal = os.totalmem();
  const systemFree = os.freemem();
  return {
    memory: {
      heapUsed: mb(memory.heapUsed),
      heapTotal: mb(memory.heapTotal),
      rss: mb(memory.rss),
      external: mb(memory.external),
      systemTotal: mb(systemTotal),
      systemFree: mb(systemFree),
      heapUsedPercent: percent(memory.heapUsed, memory.heapTotal),
      systemUsedPercent: percent(systemTotal - systemFree, systemTotal),
    },
    api: {
      ...rates,
      avgLatency: null,
      tokensLastMinute: null,
      tokensPerMinute: null,
      requests: runtime.requests(),
    },
    system: { uptime: Math.round(process.uptime()), nodeVersion: process.version, platform: process.platform, cpuCount: os.cpus().length, loadAvg: os.loadavg() },
    timestamp: Date.now(),
  };
}
