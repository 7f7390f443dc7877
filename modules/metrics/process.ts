/**
 * Process metrics: prom-client's default metrics, as one version's. Most of them are computed when
 * scraped and cost nothing in between; those are registered as prom-client makes them. Two start
 * work as they are registered and give no way to stop it — the event-loop delay histogram (a timer
 * every 10 ms) and the GC observer — so `collectDefaultMetrics` on each version's registry kept
 * every old version alive and running (200 registries made and cleared: none collected). Those two
 * are made here, under the same names, and stopped with the version. The CPU counters are made here
 * too: prom-client's count from when they are registered, so they would fall back to zero at every
 * reload; these count from the process's start.
 */
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import heapSizeAndUsed from 'prom-client/lib/metrics/heapSizeAndUsed.js';
import heapSpacesSizeAndUsed from 'prom-client/lib/metrics/heapSpacesSizeAndUsed.js';
import osMemoryHeap from 'prom-client/lib/metrics/osMemoryHeap.js';
import processHandles from 'prom-client/lib/metrics/processHandles.js';
import processMaxFileDescriptors from 'prom-client/lib/metrics/processMaxFileDescriptors.js';
import processOpenFileDescriptors from 'prom-client/lib/metrics/processOpenFileDescriptors.js';
import processRequests from 'prom-client/lib/metrics/processRequests.js';
import processResources from 'prom-client/lib/metrics/processResources.js';
import processStartTime from 'prom-client/lib/metrics/processStartTime.js';
import version from 'prom-client/lib/metrics/version.js';

const SCRAPED = [processStartTime, osMemoryHeap, processOpenFileDescriptors, processMaxFileDescriptors, processResources, processHandles, processRequests, heapSizeAndUsed, heapSpacesSizeAndUsed, version];

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** CPU seconds since the process started, set when scraped. */
function cpu(registry: Registry): void {
  // The first one sets all three: a registry collects its metrics in the order they were registered.
  const user = new Counter({
    name: 'process_cpu_user_seconds_total',
    help: 'Total user CPU time spent in seconds.',
    registers: [registry],
    collect() {
      const used = process.cpuUsage();
      for (const [counter, micros] of [[user, used.user], [system, used.system], [total, used.user + used.system]] as const) {
        counter.reset();
        counter.inc(micros / 1e6);
      }
    },
  });
  const system = new Counter({ name: 'process_cpu_system_seconds_total', help: 'Total system CPU time spent in seconds.', registers: [registry] });
  const total = new Counter({ name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', registers: [registry] });
}

/** The event loop's delay since the last scrape, as prom-client reports it; returns the stop. */
function eventLoopDelay(registry: Registry): () => void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const stats: Array<[string, string, () => number]> = [
    ['min', 'The minimum recorded event loop delay.', () => histogram.min],
    ['max', 'The maximum recorded event loop delay.', () => histogram.max],
    ['mean', 'The mean of the recorded event loop delays.', () => histogram.mean],
    ['stddev', 'The standard deviation of the recorded event loop delays.', () => histogram.stddev],
    ['p50', 'The 50th percentile of the recorded event loop delays.', () => histogram.percentile(50)],
    ['p90', 'The 90th percentile of the recorded event loop delays.', () => histogram.percentile(90)],
    ['p99', 'The 99th percentile of the recorded event loop delays.', () => histogram.percentile(99)],
  ];
  // The first one's collect sets them all and starts the next period (a registry collects in order).
  const collectAll = () => {
    stats.forEach(([, , read], i) => gauges[i].set(read() / 1e9));
    histogram.reset();
  };
  const gauges = stats.map(([stat, help], i) => new Gauge({ name: `nodejs_eventloop_lag_${stat}_seconds`, help, registers: [registry], ...(i === 0 ? { collect: collectAll } : {}) }));
  return () => histogram.disable();
}

/** Garbage collections by kind and duration; returns the stop. */
function gc(registry: Registry): () => void {
  const durations = new Histogram({
    name: 'nodejs_gc_duration_seconds',
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: [0.001, 0.01, 0.1, 1, 2, 5],
    registers: [registry],
  });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'unknown';
      durations.observe({ kind }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

/** Registers the process metrics on `registry`; returns what stops their work. */
export function registerProcessMetrics(registry: Registry): () => void {
  for (const register of SCRAPED) register(registry);
  cpu(registry);
  const stops = [eventLoopDelay(registry), gc(registry)];
  return () => {
    for (const stop of stops) stop();
  };
}
