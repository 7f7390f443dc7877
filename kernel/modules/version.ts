/**
 * Builds one version of a module, completely and on the side: bundle, shape check, its configuration
 * sections declared (their stored values checked), `setup`, a fresh router. Nothing is visible to
 * requests until the registry swaps it in; a failure releases whatever the half-built version registered.
 */
import Router from '@koa/router';
import type { Middleware } from 'koa';
import path from 'node:path';
import { compileSections } from '../config/sections.ts';
import { bundleModule } from './bundle.ts';
import { createModuleContext, withTimeout, type KernelServices } from './context.ts';
import { checkOriginals, fullPath, serveOriginals } from './originals.ts';
import type { ModuleSource } from './discover.ts';
import type { Logger, ModuleContext, ModuleDefinition, ModuleRouter } from '../types.ts';

const SETUP_TIMEOUT_MS = 10_000;
const KNOWN_KEYS = new Set(['name', 'prefix', 'public', 'originals', 'config', 'setup', 'routes', 'teardown']);

let versionCounter = 0;

export interface ModuleVersion {
  id: number;
  name: string;
  prefix: string;
  /** Where the registry looks for this version's routes: the prefix, then the roots of its `originals`. */
  roots: string[];
  /** Full paths (as the router stores them) that need no token. */
  publicRoutes: ReadonlySet<string>;
  router: ModuleRouter;
  middleware: Middleware;
  files: string[];
  /** Kept for its source map (see Bundle.module). */
  module: object;
  ctx: ModuleContext;
  /** Requests currently being answered by this version (until their response closes). */
  inflight: number;
  /** Resolves when `inflight` drops to zero. */
  idle?: () => void;
  /** Hands the module's WebSocket sockets and connections to this version (at the swap). */
  activate(): void;
  /** Stops the version hearing events and config changes and ends its event streams (when replaced). */
  release(): void;
  dispose(): Promise<void>;
}

/** Checks the exported object and names the bad field. */
export function checkDefinition(value: unknown, where: string): ModuleDefinition {
  const def = (value as { default?: unknown })?.default ?? value;
  const fail = (msg: string): never => {
    throw new Error(`${where}: ${msg}`);
  };
  if (!def || typeof def !== 'object' || Array.isArray(def)) fail('the default export must be an object (use defineModule({...}))');
  const d = def as Record<string, unknown>;
  for (const key of Object.keys(d)) if (!KNOWN_KEYS.has(key)) fail(`unknown field "${key}" (allowed: ${[...KNOWN_KEYS].join(', ')})`);
  if (d.name !== undefined && (typeof d.name !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/i.test(d.name))) fail('field "name" must be a string of letters, digits, "-" or "_"');
  if (d.prefix !== undefined && (typeof d.prefix !== 'string' || !d.prefix.startsWith('/'))) fail('field "prefix" must be a string starting with "/"');
  if (d.public !== undefined && (!Array.isArray(d.public) || !d.public.every((p) => typeof p === 'string' && p.startsWith('/')))) {
    fail('field "public" must be an array of paths starting with "/"');
  }
  if (d.originals !== undefined) {
    const problem = checkOriginals(d.originals);
    if (problem) fail(problem);
  }
  if (d.config !== undefined) {
    try {
      compileSections(where, d.config);
    } catch (err) {
      fail((err as Error).message);
    }
  }
  for (const fn of ['setup', 'routes', 'teardown']) if (d[fn] !== undefined && typeof d[fn] !== 'function') fail(`field "${fn}" must be a function`);
  if (!d.routes && !d.setup) fail('the module has neither "routes" nor "setup"');
  return d as ModuleDefinition;
}

export async function buildVersion(
  source: ModuleSource,
  services: KernelServices,
  kernelDir: string,
  loadKernelFile: (file: string) => Promise<unknown>,
  log: Logger,
): Promise<ModuleVersion> {
  const where = `module "${source.name}" (${path.relative(process.cwd(), source.entry) || source.entry})`;
  let bundle;
  try {
    bundle = await bundleModule(source.entry, kernelDir, loadKernelFile);
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> }).errors;
    if (errors?.length) {
      const e = errors[0];
      const at = e.location ? ` at ${e.location.file}:${e.location.line}:${e.location.column}` : '';
      throw new Error(`${where}: ${e.text}${at}`);
    }
    // A module may throw anything at import time, a string say.
    throw new Error(`${where}: ${(err as Error)?.message ?? String(err)}`);
  }
  const def = checkDefinition(bundle.exports, where);
  const prefix = (def.prefix ?? `/api/${source.name}`).replace(/\/+$/, '') || '/';
  const handle = createModuleContext({ name: source.name, prefix, dir: source.dir, options: source.options }, services);
  // Case-sensitive: a path is answered in one spelling only (route.ts also refuses trailing slashes).
  const router = (prefix === '/' ? new Router({ sensitive: true }) : new Router({ prefix, sensitive: true })) as ModuleRouter;
  const roots = [prefix];
  let publicRoutes: Set<string>;
  const dispose = async () => {
    if (def.teardown) await withTimeout(`module "${source.name}": teardown`, () => def.teardown!(), 5000, log);
    await handle.dispose();
  };
  try {
    // Before setup, which may read them; released last, when the version goes.
    if (def.config) {
      const declaration = await services.config.declare(source.name, def.config);
      handle.ctx.onDispose(() => declaration.release());
    }
    if (def.setup) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.resolve().then(() => def.setup!(handle.ctx)),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`setup did not finish within ${SETUP_TIMEOUT_MS} ms`)), SETUP_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    def.routes?.(router, handle.ctx);
    publicRoutes = new Set((def.public ?? []).map((p) => fullPath(prefix, p)));
    if (def.originals) {
      const served = serveOriginals(router, prefix, def.originals, handle.ctx.validate, (p) => publicRoutes.has(p));
      roots.push(...served.roots.filter((r) => r !== prefix));
      for (const p of served.publicPaths) publicRoutes.add(p);
    }
  } catch (err) {
    await dispose();
    const e = err as Error;
    const wrapped = new Error(`${where}: ${e?.message ?? String(err)}`);
    wrapped.stack = `${wrapped.message}\n${e?.stack?.split('\n').slice(1).join('\n') ?? ''}`;
    throw wrapped;
  }
  return {
    id: ++versionCounter,
    name: source.name,
    prefix,
    roots,
    publicRoutes: publicRoutes!,
    router,
    middleware: router.routes() as unknown as Middleware,
    files: bundle.files,
    module: bundle.module,
    ctx: handle.ctx,
    inflight: 0,
    activate: handle.activate,
    release: handle.release,
    dispose,
  };
}
