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
import { isAllowed } from './roles.ts';
import { JWT_AUDIENCE, JWT_ISSUER } from './service.ts';
import { VerifiedTokens } from './verified-tokens.ts';

/** Bearer header first, then the `auth_token` cookie, then `?token=` on GET (EventSource cannot set headers). */
function tokenOf(c: Context): string | null {
  const header = c.req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? match[1] : null;
  }
  // c.cookies builds a cookie jar: only when there are cookies to read.
  const cookie = c.req.headers.cookie && c.cookies.get('auth_token');
  if (cookie) return cookie;
  if (c.method === 'GET' && typeof c.query.token === 'string') return c.query.token;
  return null;
}

export function authenticate(opts: { secret: KeyObject; isRevoked: (jti: string) => boolean; isPublic: (c: Context) => boolean }): Middleware {
  const verify = koaJwt({
    secret: opts.secret as unknown as string,
    algorithms: ['HS256'],
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    key: 'user',
    passthrough: true,
    getToken: tokenOf,
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

  function refuse(c: Context, next: Next): Promise<void> {
    delete c.state.user;
    if (opts.isPublic(c)) return next();
    const cause = c.state.jwtOriginalError as { name?: string; message?: string } | undefined;
    if (cause?.name === 'TokenExpiredError') throw new HttpError(401, 'TOKEN_EXPIRED', 'Token expired; log in again');
    if (cause?.message === 'Token revoked') throw new HttpError(401, 'INVALID_TOKEN', 'Token has been revoked (logged out)');
    throw new HttpError(401, 'INVALID_TOKEN', 'Invalid token');
  }

  function admit(c: Context, user: AuthUser, next: Next): Promise<void> {
    c.state.user = user;
    // The role rule first: it lets the master through at once, and looking up who answers costs more.
    if (!isAllowed(user, c.method, c.path) && !opts.isPublic(c)) {
      throw new HttpError(403, 'FORBIDDEN', `A group admin of group "${user.groupId}" may not ${c.method} ${c.path}`);
    }
    return next();
  }

  // Not async: a token seen before (nearly every request) goes on without waiting a turn.
  return function authMiddleware(c, next) {
    const path = c.path;
    if (!path.startsWith('/api/') && path !== '/api') return next();
    const header = c.req.headers.authorization;
    const again = header ? verified.fromConnection(c.req.socket, header) : undefined;
    if (again && !opts.isRevoked(again.jti)) return admit(c, again, next);
    const token = tokenOf(c);
    if (!token) {
      if (opts.isPublic(c)) return next();
      throw new HttpError(401, 'UNAUTHORIZED', 'Authentication required: send a Bearer token or the auth_token cookie');
    }
    const known = verified.get(token);
    if (known && !opts.isRevoked(known.jti)) {
      if (header) verified.rememberOnConnection(c.req.socket, header, known);
      return admit(c, known, next);
    }
    return verifyNew(c, token).then((user) => (user ? admit(c, user, next) : refuse(c, next)));
  };
}
