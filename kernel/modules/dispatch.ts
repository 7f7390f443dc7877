/**
 * The single point where modules meet the HTTP stack. Koa composes its middleware once, so instead
 * of `app.use()` per module there is one `resolve` step that picks the module versions for a path
 * (and counts the request against them until it is answered) and one `dispatch` step that runs the
 * router of the version whose route answers (kernel/modules/route.ts).
 */
import type { Context, Middleware } from 'koa';
import { HttpError } from '../errors.ts';
import type { ModuleTable } from './registry.ts';
import { isCanonical, routeOf } from './route.ts';
import type { ModuleVersion } from './version.ts';

type Routed = Context & { _matchedRoute?: string; state: { versions?: readonly ModuleVersion[] } };

/** What the kernel counts of its requests; the system and metrics modules report it. */
export interface RequestCounters {
  total: number;
  errors: number;
  inflight: number;
  /**
   * Answers by the module whose route answered ('' when none did: a 404, a refusal of an unknown
   * path) and then by status. Only grows; one entry per module and status seen, none per request.
   */
  byModule: Map<string, Map<number, number>>;
}

/**
 * Picks the versions for this request and holds them, and counts the request, until its answer is
 * made — or, for an answer still being written when the handler returns (a stream, a response the
 * handler writes itself), until its response closes, so that a stream counts for as long as it runs.
 * A handler still running after its client left is still counted.
 */
export function resolve(table: ModuleTable, counters: RequestCounters): Middleware {
  return async function resolveMiddleware(c, next) {
    const versions = table.match(c.path);
    c.state.versions = versions;
    counters.total += 1;
    counters.inflight += 1;
    for (const v of versions) v.inflight += 1;
    try {
      await next();
    } finally {
      // A listener on every response was a measurable part of a request's cost: only answers still
      // being written wait for `close`. Koa sends a string or buffer at once, after this returns.
      if (isWrittenLater(c)) c.res.once('close', () => release(c, versions, counters));
      else release(c, versions, counters);
    }
  };
}

function release(c: Context, versions: readonly ModuleVersion[], counters: RequestCounters): void {
  counters.inflight -= 1;
  const status = c.status;
  if (status >= 500) counters.errors += 1;
  // The route was found (and kept) when the request was authenticated.
  const module = routeOf(c)?.version.name ?? '';
  let byStatus = counters.byModule.get(module);
  if (!byStatus) counters.byModule.set(module, (byStatus = new Map()));
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  for (const v of versions) if (--v.inflight === 0) v.idle?.();
}

/** True when the response is still open and will be written after the middleware returns. */
function isWrittenLater(c: Context): boolean {
  if (c.res.destroyed) return false; // its client is gone: `close` may have been emitted already
  if (c.respond === false) return !c.res.writableEnded;
  const body: unknown = c.body;
  return body !== null && body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body);
}

export function dispatch(): Middleware {
  return function dispatchMiddleware(c) {
    const route = routeOf(c);
    const versions = (c as Routed).state.versions ?? [];
    if (!route) {
      notMatched(c as Routed, versions);
      return Promise.resolve();
    }
    c.state.module = route.version.name;
    return route.version.middleware(c, () => {
      // The router found the route but its handler passed the request on: nothing else answers it.
      notMatched(c as Routed, versions);
      return Promise.resolve();
    });
  };
}

/** Nothing matched path and method: 405 with `Allow` when the path exists for other methods, else 404. */
function notMatched(c: Routed, versions: readonly ModuleVersion[]): void {
  const allowed = new Set<string>();
  if (isCanonical(c.path)) for (const v of versions) {
    for (const layer of v.router.match(c.path, c.method).path) for (const m of layer.methods) allowed.add(m);
  }
  if (allowed.size === 0) throw new HttpError(404, 'NOT_FOUND', `No route for ${c.method} ${c.path}`);
  const allow = [...allowed].join(', ');
  if (c.method === 'OPTIONS') {
    c.set('Allow', allow);
    c.status = 204;
    return;
  }
  throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${c.method} is not allowed on ${c.path}; allowed: ${allow}`, { headers: { Allow: allow } });
}
