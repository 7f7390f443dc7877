/**
 * The `ctx` a module version receives. Everything registered through it is recorded and released
 * (docs/modules.md#lifetimes, ownership rule) in two steps. What makes the version hear something (event and
 * config listeners, and the event streams its clients listen to) goes the moment the version is
 * replaced or unloaded: from then on only the new version hears, so nothing is handled twice. What
 * its in-flight requests may still need (timers, tools, onDispose callbacks) goes when it is disposed
 * after they finish, last first, each step with a timeout.
 */
import type { Context } from 'koa';
import { CONFIG_MODULE, configAdmin, moduleConfig } from '../config/views.ts';
import { createLogger, type LogLevel } from '../log.ts';
import { openSse } from '../sse.ts';
import type { KernelToolRegistry } from '../tools.ts';
import { createValidator } from '../validate.ts';
import { createModuleWs } from '../ws/module-ws.ts';
import type { WsService } from '../ws/service.ts';
import type { KernelConfigService } from '../config/service.ts';
import type { AuthService, EventBus, KernelRuntime, Logger, ModuleContext, Store } from '../types.ts';

const DISPOSE_TIMEOUT_MS = 5000;

export interface KernelServices {
  store: Store;
  config: KernelConfigService;
  events: EventBus;
  tools: KernelToolRegistry;
  auth: AuthService;
  runtime: KernelRuntime;
  logLevel: LogLevel;
  ws: WsService;
}

export interface ContextHandle {
  ctx: ModuleContext;
  /** The registry's swap point: this version takes over the module's WebSocket sockets and connections. */
  activate(): void;
  /** Releases the listeners and event streams registered through `ctx`, at once; safe to call twice. */
  release(): void;
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
  // A Set, so that what a module releases itself (a fired timer, a closed stream) leaves it again.
  const disposers = new Set<{ what: string; fn: () => unknown; listener: boolean }>();
  let released = false;
  let disposed = false;
  const log = createLogger(`module:${module.name}`, services.logLevel);
  const validator = createValidator();
  // Not tracked: the sockets belong to the module's name and outlive this version (kernel/ws/service.ts).
  const websockets = createModuleWs(module.name, services.ws, log);
  /**
   * Records `fn` to run at unload (a `listener`'s already when the version is replaced); returns `fn`
   * wrapped so that calling it early also forgets it.
   */
  const track = <F extends () => unknown>(what: string, fn: F, listener = false): (() => void) => {
    const entry = { what, fn, listener };
    // Registered late, by a request still running on a replaced version: a listener goes at once, so
    // that no event reaches it; anything else just after.
    if (listener && released) fn();
    else if (disposed) void Promise.resolve().then(fn);
    else disposers.add(entry);
    return () => {
      disposers.delete(entry);
      fn();
    };
  };

  // Tracked, so that the listeners go with the version's others.
  const onConfigChange = (listener: (paths: string[]) => void) => track('config listener', services.config.onChange(listener), true);

  const ctx: ModuleContext = {
    name: module.name,
    prefix: module.prefix,
    dir: module.dir,
    options: module.options,
    store: services.store,
    auth: services.auth,
    runtime: services.runtime,
    log,
    // Values only; the whole-document operations for the configuration's own module (config/views.ts).
    config: moduleConfig(services.config, onConfigChange),
    configAdmin: module.name === CONFIG_MODULE ? configAdmin(services.config, onConfigChange) : undefined,
    events: {
      publish: (type, payload) => services.events.publish(type, payload),
      subscribe(listener) {
        // A throwing listener is this module's fault: logged under its name with the stack.
        const guarded: typeof listener = (event) => {
          try {
            listener(event);
          } catch (err) {
            log.error(`event listener failed on "${event.type}": ${(err as Error)?.stack ?? String(err)}`);
          }
        };
        return track('event listener', services.events.subscribe(guarded), true);
      },
    },
    tools: services.tools.forOwner(module.name, (release) => track('tool', release)),
    validate: (spec) => validator.validate(spec),
    compile: (schema, where) => validator.compile(schema, where),
    sse(c: Context, opts) {
      const stream = openSse(c, opts);
      // A stream exists to hear events: it ends with the version's listeners, and the client's
      // EventSource reconnects to the new version instead of staying silent for the drain.
      const release = track('SSE stream', () => stream.close(), true);
      stream.onClose(release);
      return stream;
    },
    ws: websockets.ws,
    setTimeout(fn, ms) {
      const timer = setTimeout(() => {
        release();
        fn();
      }, ms);
      const release = track('timer', () => clearTimeout(timer));
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
    activate: websockets.activate,
    release() {
      if (released) return;
      released = true;
      // Synchronous, last first: an event published right after must not reach any of them.
      for (const entry of [...disposers].reverse()) {
        if (!entry.listener) continue;
        disposers.delete(entry);
        try {
          entry.fn();
        } catch (err) {
          log.error(`module "${module.name}": releasing ${entry.what} failed: ${(err as Error)?.stack ?? err}`);
        }
      }
    },
    async dispose() {
      if (disposed) return;
      released = true;
      disposed = true;
      const all = [...disposers].reverse();
      disposers.clear();
      for (const { what, fn } of all) {
        await withTimeout(`module "${module.name}": releasing ${what}`, fn, DISPOSE_TIMEOUT_MS, log);
      }
    },
  };
}
