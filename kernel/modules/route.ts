/**
 * The route that will answer a request, found once and kept on the request. Authentication, the
 * rate limit, roles, accepted body types and `?token=` are all decided on it (docs/http.md#paths-and-methods), never on
 * a second reading of the raw path: a decision taken on a spelling the routers do not serve (other
 * letter case, a trailing slash, `//`) cannot differ from what is then answered.
 */
import type { Context } from 'koa';
import { ROUTE_SPEC, type DocumentedMiddleware } from '../validate.ts';
import type { AuthUser, ModuleRouter, RouteSpec } from '../types.ts';
import type { ModuleVersion } from './version.ts';

type Layer = ModuleRouter['stack'][number];

export interface MatchedRoute {
  version: ModuleVersion;
  layer: Layer;
  spec: RouteSpec;
  /** Under `/api`: needs a token unless `public`. */
  api: boolean;
  /** Listed in its module's `public` paths. */
  public: boolean;
}

type RouteState = { versions?: readonly ModuleVersion[]; route?: MatchedRoute | null };

const NO_SPEC: RouteSpec = {};

export const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/');

/**
 * Routes are matched in one spelling only: a trailing slash or an empty segment is no route. (The
 * routers' own `strict` option would also turn every `router.get('/')` under a prefix into `<prefix>/`.)
 */
export const isCanonical = (path: string) => !path.includes('//') && (path.length === 1 || !path.endsWith('/'));

function find(path: string, method: string, versions: readonly ModuleVersion[]): MatchedRoute | null {
  if (!isCanonical(path)) return null;
  for (const version of versions) {
    const matched = version.router.match(path, method);
    if (!matched.route) continue;
    const layer = matched.pathAndMethod.find((l) => l.methods.length > 0)!;
    const spec = (layer.stack as DocumentedMiddleware[]).find((fn) => fn[ROUTE_SPEC])?.[ROUTE_SPEC] ?? NO_SPEC;
    const full = String(layer.path);
    return { version, layer, spec, api: isApiPath(full), public: version.publicRoutes.has(full) };
  }
  return null;
}

/** The route that answers `c` (the first loaded version, most specific prefix first, with a route for path and method), or null. */
export function routeOf(c: Context): MatchedRoute | null {
  const state = c.state as RouteState;
  if (state.route === undefined) state.route = find(c.path, c.method, state.versions ?? []);
  return state.route;
}

/**
 * Whether `user` may make this request: the master always; a group admin only on a route that
 * declares `groupAdmin`, and on one with a `:groupId` parameter only for its own group.
 */
export function isAllowed(user: AuthUser, c: Context): boolean {
  if (user.role === 'master') return true;
  const route = routeOf(c);
  if (!route?.spec.groupAdmin || !user.groupId) return false;
  const { layer } = route;
  if (!layer.paramNames.some((p) => p.name === 'groupId')) return true;
  return layer.params(c.path, layer.captures(c.path)).groupId === user.groupId;
}
