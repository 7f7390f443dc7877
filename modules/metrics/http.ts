/** HTTP requests as the kernel counts them (ctx.runtime): answered by module and status since the start, and in flight. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { KernelRuntime } from '../../kernel/index.ts';

export function registerHttpMetrics(registry: Registry, runtime: KernelRuntime): void {
  new Counter({
    name: 'chatai_http_requests_total',
    help: 'HTTP requests answered, by the module whose route answered ("" when no route did) and status.',
    labelNames: ['module', 'status'],
    registers: [registry],
    collect() {
      // The kernel's counts only grow, across reloads of this module too.
      this.reset();
      for (const { module, status, count } of runtime.requestsByModule()) this.inc({ module, status: String(status) }, count);
    },
  });
  new Gauge({
    name: 'chatai_http_requests_in_flight',
    help: 'HTTP requests being answered (event streams included, for as long as they are open).',
    registers: [registry],
    collect() {
      this.set(runtime.requests().inflight);
    },
  });
}
