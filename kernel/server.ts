/**
 * Assembles the kernel: store, config, auth, events, tools, the module table and the HTTP stack.
 * Middleware order: send together → resolve module (and count) → envelope → authenticate → rate limit
 * → body → OpenAPI document → dispatch.
 */
import { createServer, type Server } from 'node:http';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import Koa from 'koa';
import { authenticate, isRateLimited } from './auth/middleware.ts';
import { pruneLoginTokens } from './auth/login-tokens.ts';
import { loadJwtSecret } from './auth/secret.ts';
import { createAuthService } from './auth/service.ts';
import { createConfigService, type KernelConfigService } from './config/service.ts';
import { createEventBus } from './events.ts';
import { body } from './http/body.ts';
import { answerClientErrors } from './http/client-error.ts';
import { limitConnections } from './http/connection-limits.ts';
import { envelope } from './http/envelope.ts';
import { speedUpKoaAccessors } from './http/koa-accessors.ts';
import { rateLimit } from './http/ratelimit.ts';
import { sendTogether } from './http/send-together.ts';
import { createLogger } from './log.ts';
import { dispatch, resolve, type RequestCounters } from './modules/dispatch.ts';
import { ModuleTable } from './modules/registry.ts';
import { watchModules, type ModuleWatcher } from './modules/watch.ts';
import * as kernelApi from './index.ts';
import { buildOpenApi } from './openapi.ts';
import { createStore, writeFileAtomic } from './store.ts';
import { createToolRegistry } from './tools.ts';
import { WsService } from './ws/service.ts';
import { acceptUpgrades } from './ws/upgrade.ts';
import type { KernelSettings } from './env.ts';
import type { KernelRuntime } from './types.ts';

const KERNEL_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface Kernel {
  url: string;
  server: Server;
  table: ModuleTable;
  config: KernelConfigService;
  /** Creates a login link for the printed banner and the tests. */
  loginLink(opts?: { groupId?: string; permanent?: boolean }): Promise<string>;
  stop(): Promise<void>;
}

const KERNEL_INDEX = path.join(KERNEL_DIR, 'index.ts');

/**
 * What a module's `import ... from '../../kernel/index.ts'` gets: this very kernel's public API, so
 * that every module shares one kernel (one HttpError class, one defineModule). Other kernel files
 * are internals; type-only imports of them are erased by the bundler and fine.
 */
async function loadKernelFile(target: string): Promise<unknown> {
  const file = [target, `${target}.ts`, path.join(target, 'index.ts')].find((f) => existsSync(f) && !f.endsWith(path.sep));
  if (file === KERNEL_INDEX) return kernelApi;
  throw new Error(`modules may import only kernel/index.ts at run time (type imports of other kernel files are fine): ${target}`);
}

async function packageVersion(): Promise<string> {
  try {
    return JSON.parse(await readFile(path.join(KERNEL_DIR, '..', 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** A config value when it passes `ok`, else undefined. */
function configured<T>(value: T, ok: (v: T) => boolean): T | undefined {
  return value !== undefined && value !== null && ok(value) ? value : undefined;
}

export async function startKernel(settings: KernelSettings): Promise<Kernel> {
  const log = createLogger('kernel', settings.logLevel);
  process.setSourceMapsEnabled(true);
  await mkdir(settings.dataDir, { recursive: true });
  const store = createStore(settings.dataDir, log);
  const events = createEventBus(log);
  const config = await createConfigService({ store, events, log });
  const secret = await loadJwtSecret(settings.dataDir);
  const auth = await createAuthService({ secret, store, dataDir: settings.dataDir, config });
  const tools = createToolRegistry();
  const version = await packageVersion();
  const counters: RequestCounters = { total: 0, errors: 0, inflight: 0, byModule: new Map() };
  const ws = new WsService(settings.logLevel);

  let table: ModuleTable;
  const runtime: KernelRuntime = {
    version,
    startedAt: Date.now(),
    requests: () => ({ total: counters.total, errors: counters.errors, inflight: counters.inflight }),
    requestsByModule: () => [...counters.byModule].flatMap(([module, byStatus]) => [...byStatus].map(([status, count]) => ({ module, status, count }))),
    modules: () => table.list(),
    reloadModule: (name) => table.reload(name),
  };
  table = new ModuleTable({
    services: { store, config, events, tools, auth, runtime, logLevel: settings.logLevel, ws },
    events,
    log,
    modulesDir: settings.modulesDir,
    pluginsFile: settings.pluginsFile,
    kernelDir: KERNEL_DIR,
    loadKernelFile,
  });

  // A module's stray throw (in a timer, an event handler, a forgotten promise) must not take the
  // server down: log it with the module it came from and keep serving.
  const report = (what: string) => (err: unknown) => {
    const stack = (err as Error)?.stack ?? String(err);
    const owner = table.ownerOfStack(stack);
    log.error(`${what}${owner ? ` in module "${owner}"` : ''}: ${stack}`);
  };
  const onException = report('uncaught exception');
  const onRejection = report('unhandled promise rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);

  const app = new Koa({ proxy: settings.trustProxyHops > 0, maxIpsCount: settings.trustProxyHops });
  app.silent = true;
  speedUpKoaAccessors(app);
  app.use(sendTogether());
  app.use(resolve(table, counters));
  app.use(envelope(log));
  const limiter = rateLimit({ max: settings.rateLimitMax, panelMax: settings.panelRateLimitMax, windowMs: settings.rateLimitWindowMs, exempt: (c) => !isRateLimited(c) });
  app.use(authenticate({ secret, isRevoked: auth.isRevoked, publicUrl: () => config.get<string>('web.publicUrl') || undefined, charge: limiter.charge }));
  app.use(limiter.middleware);
  app.use(body(settings.bodyLimit));
  // Not async: every request passes through, and an async function would cost each one a promise.
  app.use((c, next) => {
    if (c.path !== '/api/openapi.json' || c.method !== 'GET') return next();
    c.body = JSON.stringify(buildOpenApi(table.routes, version), null, 2);
    c.type = 'application/json';
    return Promise.resolve();
  });
  app.use(dispatch());

  await table.start();
  const watcher: ModuleWatcher = watchModules(table, { modulesDir: settings.modulesDir, pluginsFile: settings.pluginsFile, dataDir: settings.dataDir, log });

  const port = settings.port ?? configured(config.get('web.port'), (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 65536) ?? 3000;
  const hostname = settings.host ?? configured(config.get('web.host'), (v) => typeof v === 'string' && v.length > 0) ?? '127.0.0.1';
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  answerClientErrors(server);
  limitConnections(server, settings.connections);
  acceptUpgrades(server, ws, { trustProxyHops: settings.trustProxyHops, charge: (ip) => limiter.chargeAddress(ip) });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, hostname, () => ok());
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${boundPort}`;
  const serverFile = path.join(settings.dataDir, 'server.json');
  await writeFileAtomic(serverFile, JSON.stringify({ url, pid: process.pid, startedAt: runtime.startedAt }), 0o600);
  const pruner = setInterval(() => void pruneLoginTokens(settings.dataDir), 60_000);
  pruner.unref();
  await watcher.ready;

  return {
    url,
    server,
    table,
    config,
    async loginLink(opts = {}) {
      const { token } = await auth.createLoginToken({ kind: opts.permanent ? 'permanent' : 'temporary', groupId: opts.groupId });
      const base = (config.get<string>('web.publicUrl') || url).replace(/\/+$/, '');
      return `${base}/login?token=${token}`;
    },
    async stop() {
      clearInterval(pruner);
      await watcher.close();
      server.closeIdleConnections?.();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      ws.stop(); // upgraded sockets are not Node's to close
      // Streams (SSE) would keep close() waiting forever: end them after a short grace period.
      const force = setTimeout(() => server.closeAllConnections?.(), 2000);
      await table.stop();
      await closed;
      clearTimeout(force);
      await config.close();
      await rm(serverFile, { force: true });
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
