/**
 * A module's `originals`: the original plugin's paths it also answers outside its prefix
 * (docs/modules.md#originals). Each is served by the target route's own middleware — so access,
 * validation and handler are the target's — with the spec marked `deprecated` for the OpenAPI
 * document. The alias layers join the module's router, so matching, dispatch and the document need
 * nothing else; the registry only has to know the extra roots under which to look for them.
 */
import Router from '@koa/router';
import { ROUTE_SPEC, type DocumentedMiddleware } from '../validate.ts';
import { isApiPath } from './route.ts';
import type { ModuleContext, ModuleRouter } from '../types.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const KEY = new RegExp(`^(?:(${METHODS.join('|')}) )?(/[^\\s?#]*)$`);

/** `originals` keys: an absolute path, optionally after one method; values: a route path relative to the prefix. */
export function checkOriginals(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'field "originals" must be an object of "[METHOD ]/original/path": "/route"';
  for (const [key, target] of Object.entries(value)) {
    const m = KEY.exec(key);
    if (!m || m[2].includes('//') || (m[2].length > 1 && m[2].endsWith('/'))) return `originals: "${key}" must be an absolute path, optionally after one of ${METHODS.join(', ')}`;
    if (typeof target !== 'string' || !target.startsWith('/')) return `originals: "${key}" must name a route of this module by its path relative to the prefix, e.g. "/list"`;
  }
  return undefined;
}

/** The full layer path of a route declared at `path` relative to `prefix` (how the router stores it). */
export const fullPath = (prefix: string, path: string) => (prefix === '/' ? path : path === '/' ? prefix : prefix + path);

/** The path's leading static segments, under which the registry looks for it: `/api/preset/:id` → `/api/preset`. */
function rootOf(path: string): string {
  const dynamic = path.search(/[:*(]/);
  const fixed = dynamic < 0 ? path : path.slice(0, path.lastIndexOf('/', dynamic));
  return fixed || '/';
}

const paramNames = (path: string) => [...path.matchAll(/[:*](\w+)/g)].map((m) => m[1]).sort().join(', ');

/**
 * Adds a layer per original (and method) to `router`, after checking each target exists with the same
 * parameter names. Returns the roots to look under and the original paths whose target is public.
 */
export function serveOriginals(
  router: ModuleRouter,
  prefix: string,
  originals: Record<string, string>,
  validate: ModuleContext['validate'],
  isPublic: (fullPath: string) => boolean,
): { roots: string[]; publicPaths: string[] } {
  const aliases = new Router({ sensitive: true }) as ModuleRouter;
  const roots = new Set<string>();
  const publicPaths: string[] = [];
  for (const [key, target] of Object.entries(originals)) {
    const [, method, path] = KEY.exec(key)!;
    const full = fullPath(prefix, target);
    const targets = router.stack.filter((l) => l.path === full && l.methods.length > 0 && (!method || l.methods.includes(method)));
    if (targets.length === 0) throw new Error(`originals: "${key}": this module has no route ${method ? `${method} ` : ''}${target} (${full})`);
    if (rootOf(path) === '/') throw new Error(`originals: "${key}" starts with a parameter: it would cover every path`);
    // The token check depends on being under /api (docs/http.md#authentication): an alias must not escape it.
    if (isApiPath(path) !== isApiPath(full)) throw new Error(`originals: "${key}" must lie under /api exactly when its route ${full} does`);
    if (paramNames(path) !== paramNames(full)) {
      throw new Error(`originals: "${key}" and its route ${target} must have the same parameters (${paramNames(path) || 'none'} vs ${paramNames(full) || 'none'})`);
    }
    for (const layer of targets) {
      const stack = (layer.stack as DocumentedMiddleware[]).map((fn) => (fn[ROUTE_SPEC] ? validate({ ...fn[ROUTE_SPEC], deprecated: true }) : fn));
      for (const m of method ? [method] : layer.methods.filter((x) => x !== 'HEAD')) aliases.register(path, [m], stack, { sensitive: true });
    }
    roots.add(rootOf(path));
    if (isPublic(full)) publicPaths.push(path);
  }
  router.stack.push(...aliases.stack);
  return { roots: [...roots], publicPaths };
}
