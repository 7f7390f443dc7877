/**
 * Login, logout, refresh and login links (docs/api.md#auth, docs/http.md#authentication, docs/http.md#roles). The kernel
 * verifies tokens and applies roles; this module only exchanges and issues them.
 */
import { defineModule, HttpError, requestBody } from '../../kernel/index.ts';
import type { LoginGrant, ModuleContext, ModuleRouter, RequestContext } from '../../kernel/index.ts';
import { LOGIN_PAGE, LOGIN_PAGE_HEADERS } from './login-page.ts';
import { groupLoginBody, loginBody, loginLinkBody, loginTokenQuery, permanentBody } from './schemas.ts';

function setCookie(c: RequestContext, grant: LoginGrant): void {
  c.cookies.set('auth_token', grant.token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: c.secure,
    maxAge: grant.expiresAt - Date.now(),
    overwrite: true,
  });
}

function answer(grant: LoginGrant) {
  return {
    token: grant.token,
    expiresIn: Math.round((grant.expiresAt - Date.now()) / 1000),
    expiresAt: grant.expiresAt,
    role: grant.role,
    ...(grant.groupId ? { groupId: grant.groupId } : {}),
  };
}

function baseUrl(c: RequestContext, ctx: ModuleContext): string {
  const configured = ctx.config.get<string>('web.publicUrl');
  return (configured || `${c.protocol}://${c.host}`).replace(/\/+$/, '');
}

function routes(router: ModuleRouter, ctx: ModuleContext): void {
  router.get('/login', ctx.validate({ summary: 'Login page that exchanges a login link token (never consumed by a GET)' }), (c) => {
    c.type = 'html';
    c.set('Cache-Control', 'no-store');
    c.set(LOGIN_PAGE_HEADERS);
    c.body = LOGIN_PAGE;
  });

  // The original's login link (docs/statistics.md#original-paths): to the login page, which exchanges it (a GET never does).
  router.get('/login/token', ctx.validate({ summary: 'The original plugin\'s login link: redirects to /login?token=', query: loginTokenQuery, deprecated: true }), (c) => {
    c.redirect(`/login?token=${encodeURIComponent(String(c.query.token))}`);
  });

  const login = async (c: RequestContext, loginToken: string) => {
    const grant = await ctx.auth.exchange(loginToken, c.ip);
    setCookie(c, grant);
    c.body = answer(grant);
  };

  router.post('/api/auth/login', ctx.validate({ summary: 'Exchange a login token for a JWT (sets the auth_token cookie)', body: loginBody }), async (c) => {
    const { token, password } = requestBody<{ token?: string; password?: string }>(c);
    const loginToken = token ?? password;
    if (!loginToken) throw new HttpError(400, 'VALIDATION_ERROR', 'Send the login token as "token"', { details: [{ path: 'body.token', message: 'is required' }] });
    await login(c, loginToken);
  });

  // The original's exchange over a GET, without a cookie. A GET never consumes a login token (docs/http.md#authentication),
  // so only the permanent token (never consumed anyway) is exchanged here; a temporary one is refused and left usable.
  router.get('/api/auth/verify-token', ctx.validate({ summary: 'Exchange the permanent login token, sent as ?token=, for a JWT (no cookie); a temporary token: 400 TEMPORARY_TOKEN', query: loginTokenQuery, deprecated: true }), async (c) => {
    c.body = answer(await ctx.auth.exchange(String(c.query.token), c.ip, { permanentOnly: true }));
  });

  // The original's group-admin login took its code as `code`; a group-bound login token is that code now.
  router.post('/api/group-admin/login', ctx.validate({ summary: 'Exchange a group-bound login token, sent as "code", for a JWT (as POST /api/auth/login)', body: groupLoginBody, deprecated: true }), async (c) => {
    await login(c, requestBody<{ code: string }>(c).code);
  });

  router.get('/api/auth/verify', ctx.validate({ summary: 'Check the current token', groupAdmin: true }), (c) => {
    const user = c.state.user!;
    c.body = { valid: true, role: user.role, isMaster: user.role === 'master', userId: user.sub, ...(user.groupId ? { groupId: user.groupId } : {}), expiresAt: user.exp * 1000 };
  });

  router.get('/api/auth/status', ctx.validate({ summary: 'Whether the caller is logged in' }), (c) => {
    c.body = { authenticated: true, role: c.state.user!.role };
  });

  router.post('/api/auth/logout', ctx.validate({ summary: 'Revoke the current token and clear the cookie', groupAdmin: true, noBody: true }), async (c) => {
    const user = c.state.user!;
    await ctx.auth.revoke(user.jti, user.exp);
    c.cookies.set('auth_token', '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0, overwrite: true });
    c.body = null;
  });

  router.post('/api/auth/refresh', ctx.validate({ summary: 'Issue a fresh JWT and revoke the current one', groupAdmin: true, noBody: true }), async (c) => {
    const user = c.state.user!;
    const grant = await ctx.auth.sign({ role: user.role, groupId: user.groupId });
    await ctx.auth.revoke(user.jti, user.exp);
    if (c.cookies.get('auth_token')) setCookie(c, grant);
    c.body = answer(grant);
  });

  router.post('/api/auth/login-links', ctx.validate({ summary: 'Create a login link (temporary, permanent, or bound to a group)', body: loginLinkBody }), async (c) => {
    const { groupId, permanent = false, rotate = false } = requestBody<{ groupId?: string; permanent?: boolean; rotate?: boolean }>(c);
    if (groupId && permanent) throw new HttpError(400, 'VALIDATION_ERROR', 'Group links are always temporary', { details: [{ path: 'body.permanent', message: 'cannot be combined with groupId' }] });
    const { token, expiresAt } = await ctx.auth.createLoginToken({ kind: permanent ? 'permanent' : 'temporary', groupId, rotate });
    c.status = 201;
    c.body = { url: `${baseUrl(c, ctx)}/login?token=${token}`, token, expiresAt, ...(groupId ? { groupId } : {}) };
  });

  router.get('/api/auth/token/status', ctx.validate({ summary: 'Whether a permanent login token exists' }), async (c) => {
    c.body = { hasPermanentToken: (await ctx.auth.permanentLoginToken()) !== null };
  });

  router.post('/api/auth/token/permanent', ctx.validate({ summary: 'Return (creating if needed) the permanent login token; forceNew rotates it', body: permanentBody }), async (c) => {
    const { forceNew = false } = requestBody<{ forceNew?: boolean }>(c);
    const existing = await ctx.auth.permanentLoginToken();
    const { token } = await ctx.auth.createLoginToken({ kind: 'permanent', rotate: forceNew });
    c.body = { token, isNew: token !== existing, url: `${baseUrl(c, ctx)}/login?token=${token}` };
  });

  router.delete('/api/auth/token/permanent', ctx.validate({ summary: 'Revoke the permanent login token' }), async (c) => {
    c.body = { revoked: await ctx.auth.revokePermanentLoginToken() };
  });
}

export default defineModule({
  name: 'auth',
  // Serves /api/auth/* and the /login page, so its routes carry full paths.
  prefix: '/',
  public: ['/api/auth/login', '/api/auth/verify-token', '/login', '/login/token', '/api/group-admin/login'],
  // The original plugin's paths (docs/statistics.md#original-paths).
  originals: { 'GET /api/group-admin/verify': '/api/auth/verify' },
  routes,
});

