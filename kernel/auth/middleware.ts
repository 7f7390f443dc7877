/**
 * Authentication for `/api`: koa-jwt verifies the token (HS256 pinned, issuer and audience checked,
 * revoked ids refused) the first time it is seen, and it is remembered after that; this layer turns
 * a missing or bad token into the right 401 code and applies the role rule, so no module has to
 * check roles route by route.
 */
import type { KeyObject } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import koaJwt from 'koa-jwt';
import { HttpError } from '../errors.ts';
import type { AuthUser } from '../types.ts';
import { isAllowed, routeOf } from '../modules/route.ts';
import { isSameOrigin } from './same-origin.ts';
import { JWT_AUDIENCE, JWT_ISSUER } from './service.ts';
import { VerifiedTokens } from './verified-tokens.ts';

/** Bearer header first, then the `auth_token` cookie, then `?token=` on an event-stream route (EventSource cannot set headers). */
function tokenOf(c: Context): { token: string; by: 'header' | 'cookie' | 'query' } | null {
  const header = c.req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? { token: match[1], by: 'header' } : null;
  }
  // c.cookies builds a cookie jar: only when there are cookies to read.
  const cookie = c.req.headers.cookie && c.cookies.get('auth_token');
  if (cookie) return { token: cookie, by: 'cookie' };
  if (c.method === 'GET' && typeof c.query.token === 'string' && routeOf(c)?.spec.eventStream) return { token: c.query.token, by: 'query' };
  return null;
}

export interface AuthOptions {
  secret: KeyObject;
  isRevoked: (jti: string) => boolean;
  /** `web.publicUrl`, an origin a cookie-authenticated request may come from besides the Host. */
  publicUrl: () => string | undefined;
  /** Counts a request about to be refused against the rate limit; rejects (429) once over it (docs/http.md#rate-limit). */
  charge: (c: Context) => Promise<void>;
}

/**
 * Whether and how `c` is authenticated, decided on the route that answers it (kernel/modules/route.ts):
 * `outside` `/api` (a module's own affair, e.g. the panel's files or the MCP server's key), a `public`
 * `/api` route (a token sent is still read), or a `token` required — also for any unmatched path
 * that starts with `/api` in any letter case, so that no spelling answers differently without one.
 */
function accessOf(c: Context): 'outside' | 'public' | 'token' {
  const route = routeOf(c);
  if (!route) return API_PATH.test(c.path) ? 'token' : 'outside';
  if (!route.api) return 'outside';
  return route.public ? 'public' : 'token';
}

const API_PATH = /^\/api(?:\/|$)/i;

/** True when `c` counts against the rate limit: every `/api` request, public ones too, but not a route that opts out. */
export function isRateLimited(c: Context): boolean {
  return accessOf(c) !== 'outside' && routeOf(c)?.spec.rateLimit !== false;
}

export function authenticate(opts: AuthOptions): Middleware {
  const verify = koaJwt({
    secret: opts.secret as unknown as string,
    algorithms: ['HS256'],
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    key: 'user',
    passthrough: true,
    getToken: (c: Context) => tokenOf(c)?.token ?? null,
    isRevoked: async (_c: Context, payload: object) => opts.isRevoked(String((payload as { jti?: unknown }).jti)),
  } as unknown as koaJwt.Options) as unknown as Middleware;
  const verified = new VerifiedTokens();

  /** Verifies a token not seen before: its user, or undefined with koa-jwt's reason in `c.state.jwtOriginalError`. */
  async function verifyNew(c: Context, token: string): Promise<AuthUser | undefined> {
    await verify(c, async () => {});
    const user = c.state.user as AuthUser | undefined;
    if (!user || typeof user.role !== 'string' || typeof user.jti !== 'string') return undefined;
    verified.add(token, user);
    return user;
  }

  /** Refuses `c` with `err` once it has been counted: a refusal never reaches the rate limit, so a flood would go uncounted. */
  function deny(c: Context, err: HttpError): Promise<never> {
    return opts.charge(c).then(() => {
      throw err;
    });
  }

  function refuse(c: Context, next: Next, access: 'public' | 'token'): Promise<void> {
    delete c.state.user;
    if (access === 'public') return next();
    const cause = c.state.jwtOriginalError as { name?: string; message?: string } | undefined;
    if (cause?.name === 'TokenExpiredError') return deny(c, new HttpError(401, 'TOKEN_EXPIRED', 'Token expired; log in again'));
    if (cause?.message === 'Token revoked') return deny(c, new HttpError(401, 'INVALID_TOKEN', 'Token has been revoked (logged out)'));
    return deny(c, new HttpError(401, 'INVALID_TOKEN', 'Invalid token'));
  }

  function admit(c: Context, user: AuthUser, next: Next, access: 'public' | 'token'): Promise<void> {
    c.state.user = user;
    if (access === 'token' && !isAllowed(user, c)) {
      return deny(c, new HttpError(403, 'FORBIDDEN', `A group admin of group "${user.groupId}" may not ${c.method} ${c.path}`));
    }
    return next();
  }

  function crossSite(c: Context): Promise<never> {
    return deny(c, new HttpError(403, 'FORBIDDEN', `Cross-site ${c.method} refused: a request that relies on the cookie must come from this server's own pages (send an Authorization header from scripts)`));
  }

  // Not async: a token seen before (nearly every request) goes on without waiting a turn.
  return function authMiddleware(c, next) {
    const access = accessOf(c);
    if (access === 'outside') return next();
    const header = c.req.headers.authorization;
    const again = header ? verified.fromConnection(c.req.socket, header) : undefined;
    if (again && !opts.isRevoked(again.jti)) return admit(c, again, next, access);
    const found = tokenOf(c);
    // Whatever the browser attaches by itself (the cookie; on a public route, nothing yet: a login
    // sets the cookie) must not change state from another origin.
    if (found?.by !== 'header' && !isSameOrigin(c, opts.publicUrl)) return crossSite(c);
    if (!found) {
      if (access === 'public') return next();
      return deny(c, new HttpError(401, 'UNAUTHORIZED', 'Authentication required: send a Bearer token or the auth_token cookie'));
    }
    const { token } = found;
    const known = verified.get(token);
    if (known && !opts.isRevoked(known.jti)) {
      if (header) verified.rememberOnConnection(c.req.socket, header, known);
      return admit(c, known, next, access);
    }
    return verifyNew(c, token).then((user) => (user ? admit(c, user, next, access) : refuse(c, next, access)));
  };
}
