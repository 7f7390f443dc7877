/**
 * koa-ratelimit with its own in-memory Maps, keyed by the authenticated user and by IP otherwise.
 * Two budgets per window: scripts (a Bearer token, or nothing yet) get `max`; the web panel's session
 * gets `panelMax`, its own, since one page view makes several calls and a person clicking through
 * the pages would otherwise be locked out. The public health check is exempt; an SSE stream counts
 * once, when opened. A request the authentication refuses counts too (`charge`), before its 401.
 */
import ratelimit from 'koa-ratelimit';
import type { Context, Middleware } from 'koa';
import { HttpError } from '../errors.ts';

const MAX_KEYS = 10_000;
const HEADERS = { remaining: 'X-RateLimit-Remaining', reset: 'X-RateLimit-Reset', total: 'X-RateLimit-Limit' };

export interface RateLimitOptions {
  /** Per window, for a script's user (a Bearer token) and for an address before login. */
  max: number;
  /** Per window, for the web panel's session. */
  panelMax: number;
  windowMs: number;
  exempt: (c: Context) => boolean;
}

export interface RateLimiter {
  middleware: Middleware;
  /** Counts a request that is about to be refused without reaching the limit; rejects with 429 once over it. */
  charge(c: Context): Promise<void>;
  /**
   * Counts a WebSocket upgrade against its client address, in the same budget as that address's
   * anonymous requests: the seconds to wait when over it, else null.
   */
  chargeAddress(ip: string): Promise<number | null>;
}

/**
 * The panel's own requests: authenticated by the cookie (no Authorization header), which the browser
 * sends with `Sec-Fetch-Site: same-origin` from a page of this server. Scripts send a Bearer token.
 * Not a security boundary — whoever holds a token could claim it — but a budget for people.
 */
const isPanel = (c: Context) =>
  c.state.user !== undefined && c.req.headers.authorization === undefined && c.req.headers['sec-fetch-site'] === 'same-origin';

/**
 * The 429, with a `Retry-After` rounded up: koa-ratelimit rounds it down (even to 0), and a client that
 * waits exactly that long would be refused again.
 */
function limited(c: Context): never {
  const { headers } = c.state.rateLimit as { headers: Record<string, number> };
  const retryAfter = Math.max(1, Math.ceil(headers[HEADERS.reset] - Date.now() / 1000));
  throw new HttpError(429, 'RATE_LIMITED', 'Too many requests; slow down', { headers: { ...headers, 'Retry-After': String(retryAfter) } as Record<string, string> });
}

/** One budget: koa-ratelimit on a Map whose expired keys are dropped when it grows large. */
function budget(max: number, windowMs: number, prefix: string): Middleware {
  const db = new Map<string, { reset: number }>();
  const options = {
    driver: 'memory' as const,
    db,
    duration: windowMs,
    max,
    id: (c: Context) => (c.state.user ? `${prefix}${c.state.user.sub}` : `ip:${c.ip}`),
    // Called before koa-ratelimit would throw its own 429 (@types/koa-ratelimit does not know the option).
    onLimited: limited,
    headers: HEADERS,
  };
  const limit = ratelimit(options) as unknown as Middleware;
  // koa-ratelimit never deletes a key: once many clients have come and gone, drop the expired ones
  // (at most once a second, so that many live clients do not make every request a sweep).
  let swept = 0;
  const sweep = () => {
    const now = Date.now();
    if (now - swept < 1000) return;
    swept = now;
    for (const [key, entry] of db) if (entry.reset * 1000 < now) db.delete(key);
  };
  return (c, next) => {
    if (db.size >= MAX_KEYS) sweep();
    return limit(c, next);
  };
}

const counted = () => Promise.resolve();

export function rateLimit(opts: RateLimitOptions): RateLimiter {
  const scripts = budget(opts.max, opts.windowMs, 'user:');
  const panel = budget(opts.panelMax, opts.windowMs, 'panel:');
  return {
    // Exempt requests skip koa-ratelimit entirely rather than through its (awaited) whitelist hook.
    middleware: (c, next) => {
      if (opts.exempt(c)) return next();
      return (isPanel(c) ? panel : scripts)(c, next);
    },
    charge: (c) => (opts.exempt(c) ? Promise.resolve() : (isPanel(c) ? panel : scripts)(c, counted)),
    async chargeAddress(ip) {
      // What koa-ratelimit reads and writes of a request: an upgrade has no Koa context.
      const c = { ip, state: {}, set() {} } as unknown as Context;
      try {
        await scripts(c, counted);
        return null;
      } catch (err) {
        if (err instanceof HttpError && err.status === 429) return Number(err.headers?.['Retry-After']);
        throw err;
      }
    },
  };
}
