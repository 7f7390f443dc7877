/**
 * koa-ratelimit with its own in-memory Map, keyed by the authenticated user and by IP otherwise.
 * The public health check is exempt; an SSE stream counts once, when opened.
 */
import ratelimit from 'koa-ratelimit';
import type { Context, Middleware } from 'koa';

const MAX_KEYS = 10_000;
const HEADERS = { remaining: 'X-RateLimit-Remaining', reset: 'X-RateLimit-Reset', total: 'X-RateLimit-Limit' };

export function rateLimit(opts: { max: number; windowMs: number; exempt: (c: Context) => boolean }): Middleware {
  const db = new Map<string, { reset: number }>();
  const limit = ratelimit({
    driver: 'memory',
    db,
    duration: opts.windowMs,
    max: opts.max,
    id: (c: Context) => (c.state.user ? `user:${c.state.user.sub}` : `ip:${c.ip}`),
    throw: true,
    errorMessage: 'Too many requests; slow down',
    headers: HEADERS,
  }) as unknown as Middleware;
  // koa-ratelimit never deletes a key: once many clients have come and gone, drop the expired ones
  // (at most once a second, so that many live clients do not make every request a sweep).
  let swept = 0;
  const sweep = () => {
    const now = Date.now();
    if (now - swept < 1000) return;
    swept = now;
    for (const [key, entry] of db) if (entry.reset * 1000 < now) db.delete(key);
  };
  // Exempt requests skip koa-ratelimit entirely rather than through its (awaited) whitelist hook.
  return (c, next) => {
    if (opts.exempt(c)) return next();
    if (db.size >= MAX_KEYS) sweep();
    return limit(c, next);
  };
}
