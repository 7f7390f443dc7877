/**
 * koa-ratelimit with its own in-memory Map, keyed by the authenticated user and by IP otherwise.
 * The public health check is exempt; an SSE stream counts once, when opened.
 */
import ratelimit from 'koa-ratelimit';
import type { Context, Middleware } from 'koa';

export function rateLimit(opts: { max: number; windowMs: number; exempt: (c: Context) => boolean }): Middleware {
  return ratelimit({
    driver: 'memory',
    db: new Map(),
    duration: opts.windowMs,
    max: opts.max,
    id: (c: Context) => (c.state.user ? `user:${c.state.user.sub}` : `ip:${c.ip}`),
    whitelist: (c: Context) => opts.exempt(c),
    throw: true,
    errorMessage: 'Too many requests; slow down',
    headers: { remaining: 'X-RateLimit-Remaining', reset: 'X-RateLimit-Reset', total: 'X-RateLimit-Limit' },
  }) as unknown as Middleware;
}
