/**
 * The table of module versions the dispatcher routes through. Loads, reloads and unloads run one at
 * a time per module (a change during a build sets a "run again" flag), build the new version on the
 * side, and swap it in with one assignment. The old version stops hearing events at once (after the
 * `module-loaded`/`module-unloaded` that announces it), finishes its in-flight requests and is
 * disposed afterwards; a failed build leaves the old version serving.
 */
import { collectWhenSettled } from '../gc.ts';
import type { KernelServices } from './context.ts';
import { byName } from './by-name.ts';
import { discover, readPlugins, type ModuleSource, type PluginSetting } from './discover.ts';
import { buildVersion, type ModuleVersion } from './version.ts';
import type { EventBus, Logger, ModuleStatus } from '../types.ts';

const DRAIN_TIMEOUT_MS = 30_000;

interface Entry {
  source: ModuleSource;
  current?: ModuleVersion;
  status: ModuleStatus['status'];
  error?: string;
  loadedAt: string | null;
  reloads: number;
}

export interface ModuleTableDeps {
  services: KernelServices;
  events: EventBus;
  log: Logger;
  modulesDir: string;
  pluginsFile: string;
  kernelDir: string;
  loadKernelFile(file: string): Promise<unknown>;
}

const SLASH = 0x2f;
// Paths seen are mostly few (ids aside): match() remembers up to this many, of up to that length, then
// starts afresh; a client trying paths at random costs it a bounded amount of memory.
const MAX_MATCHED_PATHS = 1000;
const MAX_MATCHED_PATH_LENGTH = 256;

/** Whether `path` is `root` or lies under it (`/api/tools` covers `/api/tools/x`, not `/api/toolsx`). */
const covers = (root: string, path: string) =>
  root === '/' || (path.startsWith(root) && (path.length === root.length || path.charCodeAt(root.length) === SLASH));

export class ModuleTable {
  /** Loaded versions, longest prefix first: what the dispatcher walks. Replaced, never mutated. */
  routes: readonly ModuleVersion[] = [];
  /** match()'s answers for the current routes, by path. */
  private matched = new Map<string, readonly ModuleVersion[]>();
  private readonly entries = new Map<string, Entry>();
  private sources = new Map<string, ModuleSource>();
  private plugins: Record<string, PluginSetting> = {};
  private syncing: Promise<void> = Promise.resolve();
  private readonly queues = new Map<string, { running: Promise<void>; again: boolean }>();
  private stopped = false;
  /** Why folders or plugins.json paths were not loaded, as last said. */
  private skipped = new Set<string>();
  /** The list behind list(), built at its first call after a change; `apply` and `stop` drop it. */
  private listed?: readonly ModuleStatus[];

  constructor(private readonly deps: ModuleTableDeps) {}

  /** Reads plugins.json and the modules folder and loads everything enabled. */
  async start(): Promise<void> {
    await this.sync();
  }

  /**
   * Re-reads plugins.json and the modules folder; (re)loads or unloads what changed (and `only`).
   * Resolves when those loads are done.
   */
  sync(only?: Set<string>): Promise<void> {
    // One sync at a time: two overlapping ones could each compare against stale sources. The next
    // one waits for this one's reading and scheduling only, not for its builds: a module whose
    // setup hangs must not hold up the reload of the others.
    const scheduled = this.syncing.then(() => this.scheduleChanges(only));
    this.syncing = scheduled.then(
      () => undefined,
      () => undefined,
    );
    return scheduled.then(({ loads }) => loads);
  }

  private async scheduleChanges(only?: Set<string>): Promise<{ loads: Promise<void> }> {
    try {
      this.plugins = await readPlugins(this.deps.pluginsFile);
    } catch (err) {
      this.deps.log.error(`${(err as Error).message}; keeping the previous module settings`);
    }
    const { sources: found, skipped } = await discover(this.deps.modulesDir, this.deps.pluginsFile, this.plugins);
    // Said once, not at every sync, until it is fixed and comes back.
    for (const reason of skipped) if (!this.skipped.has(reason)) this.deps.log.warn(reason);
    this.skipped = new Set(skipped);
    const before = this.sources;
    this.sources = new Map(found.map((s) => [s.name, s]));
    const names = new Set([...before.keys(), ...this.sources.keys()]);
    const loads = Promise.all(
      [...names].map((name) => {
        const next = this.sources.get(name);
        const prev = before.get(name);
        // A module that failed is tried again; one still building is left to finish.
        const retry = next?.enabled && !this.entries.get(name)?.current && !this.queues.has(name);
        const changed = !prev || !next || JSON.stringify(prev) !== JSON.stringify(next) || retry;
        return changed || only?.has(name) ? this.schedule(name) : undefined;
      }),
    ).then(() => undefined);
    return { loads };
  }

  /** Module names whose folder or bundled files contain `file`. */
  ownersOf(file: string): string[] {
    const owners = new Set<string>();
    for (const [name, source] of this.sources) if (file === source.dir || file.startsWith(source.dir + '/')) owners.add(name);
    for (const [name, entry] of this.entries) if (entry.current?.files.includes(file)) owners.add(name);
    return [...owners];
  }

  /** Paths outside `modulesDir` that modules live in or are built from (plugin folders, `lib/` files). */
  externalPaths(modulesDir: string): string[] {
    const files = new Set<string>();
    for (const source of this.sources.values()) if (!source.dir.startsWith(modulesDir + '/')) files.add(source.dir);
    for (const entry of this.entries.values()) {
      for (const f of entry.current?.files ?? []) {
        if (!f.startsWith(entry.source.dir + '/') && !f.includes('/node_modules/')) files.add(f);
      }
    }
    return [...files];
  }

  /** The module whose files appear first in a stack trace, if any. */
  ownerOfStack(stack: string): string | undefined {
    let best: { name: string; at: number } | undefined;
    for (const [name, source] of this.sources) {
      const at = stack.indexOf(source.dir + '/');
      if (at >= 0 && (!best || at < best.at)) best = { name, at };
    }
    return best?.name;
  }

  /** Reloads one module now (POST /api/system/modules/:name/reload). Resolves false for an unknown name. */
  async reload(name: string): Promise<boolean> {
    await this.sync(new Set([name]));
    return this.sources.has(name) || this.entries.has(name);
  }

  /**
   * Every module with its state, by name, built once per change of the modules (status is polled).
   * Callers get a copy of the array, not a frozen one: array builtins such as filter() take a path
   * about 15 times slower on a frozen array (Node 20 and 24). The entries themselves are frozen.
   */
  list(): ModuleStatus[] {
    this.listed ??= [...this.entries.values()]
      .map((e) =>
        Object.freeze({
          name: e.source.name,
          status: e.status,
          prefix: e.current?.prefix ?? null,
          dir: e.source.dir,
          loadedAt: e.loadedAt,
          reloads: e.reloads,
          ...(e.error ? { error: e.error } : {}),
        }),
      )
      .sort(byName);
    return [...this.listed];
  }

  /** The loaded versions whose prefix covers `path`, most specific first. */
  match(path: string): readonly ModuleVersion[] {
    let versions = this.matched.get(path);
    if (versions === undefined) {
      versions = this.routes.filter((v) => v.roots.some((root) => covers(root, path)));
      if (path.length > MAX_MATCHED_PATH_LENGTH) return versions;
      if (this.matched.size >= MAX_MATCHED_PATHS) this.matched.clear();
      this.matched.set(path, versions);
    }
    return versions;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.queues.values()].map((q) => q.running));
    const versions = [...this.entries.values()].map((e) => e.current).filter((v): v is ModuleVersion => !!v);
    for (const e of this.entries.values()) e.current = undefined;
    this.listed = undefined;
    this.publishRoutes();
    await Promise.all(versions.map((v) => v.dispose()));
  }

  /** Queues a load/unload of `name`; at most one runs per module, and one more is remembered. */
  schedule(name: string): Promise<void> {
    const queued = this.queues.get(name);
    if (queued) {
      queued.again = true;
      return queued.running;
    }
    const state = { running: Promise.resolve(), again: false };
    state.running = (async () => {
      try {
        do {
          state.again = false;
          await this.apply(name);
        } while (state.again && !this.stopped);
      } finally {
        this.queues.delete(name);
      }
    })();
    this.queues.set(name, state);
    return state.running;
  }

  /** Brings one module in line with its source; entries change before and after the build it awaits. */
  private async apply(name: string): Promise<void> {
    this.listed = undefined;
    try {
      await this.applyNow(name);
    } finally {
      this.listed = undefined;
    }
  }

  private async applyNow(name: string): Promise<void> {
    if (this.stopped) return;
    const source = this.sources.get(name);
    let entry = this.entries.get(name);
    if (!source || !source.enabled) {
      if (entry?.current) this.unload(entry, source ? 'disabled' : 'removed');
      if (!source) this.entries.delete(name);
      else if (entry) {
        entry.status = 'disabled';
        entry.source = source;
        entry.error = undefined;
      } else this.entries.set(name, { source, status: 'disabled', loadedAt: null, reloads: 0 });
      return;
    }
    if (!entry) {
      // Until its first build ends; a module already loaded keeps its status while it reloads.
      entry = { source, status: 'loading', loadedAt: null, reloads: 0 };
      this.entries.set(name, entry);
    }
    entry.source = source;
    let next: ModuleVersion;
    const started = performance.now();
    try {
      next = await buildVersion(source, this.deps.services, this.deps.kernelDir, this.deps.loadKernelFile, this.deps.log);
    } catch (err) {
      entry.status = 'failed';
      entry.error = (err as Error).message;
      const keeps = entry.current ? '; the previous version keeps serving' : '';
      this.deps.log.error(`${(err as Error).stack ?? err}${keeps}`);
      this.deps.events.publish('module-failed', { name, error: entry.error });
      return;
    }
    if (this.stopped) {
      await next.dispose();
      return;
    }
    const old = entry.current;
    entry.current = next;
    this.publishRoutes();
    // The WebSocket swap point: from here every socket's next frame goes to the new version's handlers.
    next.activate();
    if (old) entry.reloads += 1;
    entry.status = 'loaded';
    entry.error = undefined;
    entry.loadedAt = new Date().toISOString();
    this.deps.log.info(`module "${name}" ${old ? 'reloaded' : 'loaded'} at ${next.prefix} in ${Math.round(performance.now() - started)} ms`);
    // Prefixes are usually a module's own; sharing one (other than "/") is allowed but easy to do by mistake.
    const sharing = next.prefix === '/' ? [] : this.routes.filter((v) => v.prefix === next.prefix && v.name !== name).map((v) => `"${v.name}"`);
    if (sharing.length) {
      this.deps.log.warn(`module "${name}" shares the prefix ${next.prefix} with module ${sharing.join(', ')}: a route both define is answered by the first by name`);
    }
    this.deps.events.publish('module-loaded', { name, prefix: next.prefix, reloads: entry.reloads });
    if (old) void this.retire(old);
  }

  private unload(entry: Entry, why: string): void {
    const old = entry.current!;
    entry.current = undefined;
    this.publishRoutes();
    this.deps.services.ws.close(old.name, `module ${why}`);
    this.deps.log.info(`module "${old.name}" unloaded (${why})`);
    this.deps.events.publish('module-unloaded', { name: old.name, reason: why });
    void this.retire(old);
  }

  /** Releases the old version's listeners now, waits for its in-flight requests, then disposes it. */
  private async retire(old: ModuleVersion): Promise<void> {
    // Not after the drain: an event heard by both versions would be handled twice (a tool call logged twice).
    old.release();
    if (old.inflight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
        old.idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await old.dispose();
    // Its memory is garbage now, but V8 would leave it there until the next allocation pressure.
    collectWhenSettled();
  }

  private publishRoutes(): void {
    this.matched = new Map();
    this.routes = [...this.entries.values()]
      .map((e) => e.current)
      .filter((v): v is ModuleVersion => !!v)
      .sort((a, b) => b.prefix.length - a.prefix.length || byName(a, b));
  }
}
