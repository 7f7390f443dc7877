/**
 * JWT issue, verification and revocation, and the login-token exchange with its brute-force guard.
 * The HTTP side (koa-jwt and the role rule) is in `middleware.ts`.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { HttpError } from '../errors.ts';
import type { AuthService, AuthUser, ConfigService, LoginGrant, Store } from '../types.ts';
import { consumeLoginToken, createLoginToken, deletePermanentLoginToken, readPermanent } from './login-tokens.ts';

export const JWT_ISSUER = 'chatai-panel';
export const JWT_AUDIENCE = 'chatai-client';
const MASTER_TTL_S = 30 * 24 * 3600;
const GROUP_ADMIN_TTL_S = 24 * 3600;
const FAILURES_ALLOWED = 5;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;

export interface KernelAuthService extends AuthService {
  isRevoked(jti: string): boolean;
}

export async function createAuthService(deps: { secret: KeyObject; store: Store; dataDir: string; config: ConfigService }): Promise<KernelAuthService> {
  const revoked = deps.store.collection<Record<string, number>>('revoked-tokens', {});
  const denied = new Map(Object.entries(await revoked.read()));
  const failures = new Map<string, { count: number; since: number }>();

  const ttlFor = (role: AuthUser['role']) => {
    if (role === 'group-admin') return GROUP_ADMIN_TTL_S;
    const configured = deps.config.get<unknown>('web.jwtTtl');
    return typeof configured === 'number' && configured > 0 ? configured : MASTER_TTL_S;
  };

  const sign: AuthService['sign'] = async ({ role, groupId }) => {
    const jti = randomUUID();
    const ttl = ttlFor(role);
    const claims = { role, ...(groupId ? { groupId } : {}), sub: role === 'master' ? 'master' : `group:${groupId}`, jti };
    const token = jwt.sign(claims, deps.secret, { algorithm: 'HS256', expiresIn: ttl, issuer: JWT_ISSUER, audience: JWT_AUDIENCE });
    const grant: LoginGrant = { token, expiresAt: (Math.floor(Date.now() / 1000) + ttl) * 1000, jti, role };
    if (groupId) grant.groupId = groupId;
    return grant;
  };

  /**
   * Counts an attempt as a failure before the token store is consulted, so that concurrent guesses
   * cannot all pass the check while the lookups are awaited; a success clears the count.
   */
  const reserveAttempt = (client: string) => {
    const now = Date.now();
    let entry = failures.get(client);
    if (entry && entry.since + FAILURE_WINDOW_MS <= now) entry = undefined;
    if (!entry) failures.set(client, (entry = { count: 0, since: now }));
    if (entry.count >= FAILURES_ALLOWED) {
      const left = entry.since + FAILURE_WINDOW_MS - now;
      throw new HttpError(429, 'RATE_LIMITED', 'Too many failed logins; try again later', { headers: { 'Retry-After': String(Math.ceil(left / 1000)) } });
    }
    entry.count += 1;
  };

  return {
    sign,
    async exchange(loginToken, client, opts = {}) {
      reserveAttempt(client);
      const claims = await consumeLoginToken(deps.dataDir, loginToken, { keepTemporary: opts.permanentOnly });
      if (!claims) throw new HttpError(401, 'INVALID_TOKEN', 'Login token is invalid, expired or already used; run `npm run login-link` for a new one');
      failures.delete(client);
      if (opts.permanentOnly && claims.kind === 'temporary') {
        throw new HttpError(400, 'TEMPORARY_TOKEN', 'A temporary login token is exchanged only by POST /api/auth/login {"token"}; it was not used up');
      }
      return sign(claims.groupId ? { role: 'group-admin', groupId: claims.groupId } : { role: 'master' });
    },
    createLoginToken: (opts) => createLoginToken(deps.dataDir, opts),
    permanentLoginToken: () => readPermanent(deps.dataDir),
    revokePermanentLoginToken: () => deletePermanentLoginToken(deps.dataDir),
    async revoke(jti, exp) {
      denied.set(jti, exp);
      const now = Date.now() / 1000;
      await revoked.update((list) => {
        list[jti] = exp;
        for (const [id, until] of Object.entries(list)) if (until < now) delete list[id];
      });
    },
    isRevoked: (jti) => denied.has(jti),
  };
}
