/**
 * The `ctx` a module version receives. Everything registered through it is recorded and released,
 * last first, each step with a timeout, when the version is unloaded (KERNEL.md §6, ownership rule).
 */
import type { Context } from 'koa';
import { createLogger, type LogLevel } from '../log.ts';
import { openSse } from '../sse.ts';
import type { KernelToolRegistry } from '../tools.ts';
import { createValidator } from '../validate.ts';
import type { AuthService, ConfigService, EventBus, KernelRuntime, Logger, ModuleContext, Store } from '../types.ts';

const DISPOSE_TIMEOUT_MS = 5000;

export interface KernelServices {
  store: Store;
  config: ConfigService;
  events: EventBus;
  tools: KernelToolRegistry;
  auth: AuthService;
  runtime: KernelRuntime;
  logLevel: LogLevel;
}

export interface ContextHandle {
  ctx: ModuleContext;
  /** Releases everything registered through `ctx`; safe to call twice. */
  dispose(): Promise<void>;
}

/** Runs `fn`, but gives up (with a warning) after `ms`: one stuck disposer must not block an unload. */
export async function withTimeout(what: string, fn: () => unknown, ms: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          log.warn(`${what} did not finish within ${ms} ms; going on`);
          resolve();
        }, ms);
      }),
    ]);
  } catch (err) {
    log.error(`${what} failed: ${(err as Error)?.stack ?? err}`);
  } finally {
    clearTimeout(timer);
  }
}

export function createModuleContext(
  module: { name: string; prefix: string; dir: string; options: Record<string, unknown> },
  services: KernelServices,
): ContextHandle {
  const disposers: Array<{ what: string; fn: () => unknown }> = [];
  let disposed = false;
  const log = createLogger(`module:${module.name}`, services.logLevel);
  const validator = createValidator();
  const track = (what: string, fn: () => unknown) => {
    if (disposed) {
      void Promise.resolve().then(fn);
      return;
    }
    disposers.push({ what, fn });
  };

  const ctx: ModuleContext = {
    name: module.name,
    prefix: module.prefix,
    dir: module.dir,
    options: module.options,
    store: services.store,
    auth: services.auth,
    runtime: services.runtime,
    log,
    config: {
      get: (p) => services.config.get(p),
      update: (partial) => services.config.update(partial),
      onChange(listener) {
        const off = services.config.onChange(listener);
        track('config listener', off);
        return off;
      },
    },
    events: {
      publish: (type, payload) => services.events.publish(type, payload),
      subscribe(listener) {
        const off = services.events.subscribe(listener);
        track('event listener', off);
        return off;
      },
    },
    tools: services.tools.forOwner(module.name, (release) => track('tool', release)),
    validate: (spec) => validator.validate(spec),
    compile: (schema, where) => validator.compile(schema, where),
    sse(c: Context) {
      const stream = openSse(c);
      track('SSE stream', () => stream.close());
      return stream;
    },
    setTimeout(fn, ms) {
      const timer = setTimeout(fn, ms);
      track('timer', () => clearTimeout(timer));
      return timer;
    },
    setInterval(fn, ms) {
      const timer = setInterval(fn, ms);
      track('interval', () => clearInterval(timer));
      return timer;
    },
    onDispose(fn) {
      track('onDispose callback', fn);
    },
  };

  return {
    ctx,
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const { what, fn } of disposers.splice(0).reverse()) {
        await withTimeout(`module "${module.name}": releasing ${what}`, fn, DISPOSE_TIMEOUT_MS, log);
      }
    },
  };
}
