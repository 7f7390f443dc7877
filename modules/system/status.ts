/** What the system module's status, health, info and metrics routes report, computed from the kernel's runtime view. */
import os from 'node:os';
import type { KernelRuntime } from '../../kernel/index.ts';

export function info(runtime: KernelRuntime) {
  return { version: runtime.version, nodejs: process.version, platform: process.platform, arch: process.arch, modules: runtime.modules().map((m) => m.name) };
}

export const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export function moduleCounts(runtime: KernelRuntime) {
  const modules = runtime.modules();
  const failed: string[] = [];
  let loaded = 0;
  let disabled = 0;
  for (const m of modules) {
    if (m.status === 'loaded') loaded += 1;
    else if (m.status === 'failed') failed.push(m.name);
    else if (m.status === 'disabled') disabled += 1;
  }
  return { total: modules.length, loaded, failed, disabled };
}

export function health(runtime: KernelRuntime) {
  const modules = moduleCounts(runtime);
  return {
    status: 'healthy',
    healthy: true,
    timestamp: Date.now(),
    uptime: process.uptime(),
    checks: { modules: { status: modules.failed.length ? 'degraded' : 'ok', loaded: modules.loaded, failed: modules.failed } },
  };
}

// process.memoryUsage() reads /proc on every call (a tenth of a /status request's CPU under load):
// a status poller gets figures at most a second old.
let memorySample = { at: 0, value: process.memoryUsage() };
export function memoryUsage(): NodeJS.MemoryUsage {
  const now = Date.now();
  if (now - memorySample.at > 1000) memorySample = { at: now, value: process.memoryUsage() };
  return memorySample.value;
}

export function status(runtime: KernelRuntime) {
  const memory = memoryUsage();
  return {
    status: 'running',
    version: runtime.version,
    uptime: Math.round((Date.now() - runtime.startedAt) / 1000),
    startTime: runtime.startedAt,
    nodejs: process.version,
    platform: process.platform,
    memory: { used: mb(memory.heapUsed), total: mb(memory.heapTotal), rss: mb(memory.rss), percentage: Math.round((memory.heapUsed / memory.heapTotal) * 100) },
    modules: moduleCounts(runtime),
    requests: runtime.requests(),
  };
}

export function metrics() {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    timestamp: Date.now(),
    uptime: process.uptime(),
    process: {
      pid: process.pid,
      cpu: { user: cpu.user, system: cpu.system },
      memory: { rss: memory.rss, heapTotal: memory.heapTotal, heapUsed: memory.heapUsed, external: memory.external, arrayBuffers: memory.arrayBuffers },
    },
    system: { platform: process.platform, arch: process.arch, nodeVersion: process.version, cpuCount: os.cpus().length, loadAvg: os.loadavg(), totalMemory: mb(os.totalmem()), freeMemory: mb(os.freemem()) },
  };
}
