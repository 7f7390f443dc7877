/**
 * A point of comparison for the HTTP bench: the libraries the kernel is built on (Koa, koa-jwt,
 * koa-ratelimit, @koa/router), configured as the kernel configures them but with none of the
 * kernel's own code besides its send-together step — answers held to the end of the event-loop
 * turn, one close listener, an envelope, koa-jwt's verdict remembered per token, the memory rate
 * limiter with its headers, one router. What it answers per second is what the libraries cost as they
 * come; the kernel spares some of Koa's work per request (kernel/http/koa-accessors.ts), so it can
 * answer more. The HS256 secret comes in BENCH_SECRET (hex); prints `listening on <url>`.
 */
import { createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import koaJwt from 'koa-jwt';
import ratelimit from 'koa-ratelimit';
import { sendTogether } from '../../../kernel/http/send-together.ts';

const body = JSON.parse(process.env.BARE_BODY ?? '{"data":{}}').data;
const secret = createSecretKey(Buffer.from(process.env.BENCH_SECRET ?? '', 'hex'));
const app = new Koa();
app.use(sendTogether());
let inflight = 0;
app.use((c, next) => {
  inflight += 1;
  c.res.on('close', () => (inflight -= 1));
  return next();
});
app.use(async (c, next) => {
  await next();
  c.type = 'application/json';
  c.body = JSON.stringify({ success: true, data: c.body });
});
const verify = koaJwt({ secret: secret as unknown as string, algorithms: ['HS256'], key: 'user', passthrough: true }) as unknown as Koa.Middleware;
const verified = new Map<string, unknown>();
app.use(async (c, next) => {
  const token = /^Bearer\s+(\S+)$/i.exec(c.get('authorization'))?.[1] ?? '';
  let user = verified.get(token);
  if (!user) {
    await verify(c, async () => {});
    user = c.state.user;
    if (!user) return c.throw(401, 'bad token');
    verified.set(token, user);
  }
  c.state.user = user;
  return next();
});
app.use(
  ratelimit({
    driver: 'memory',
    db: new Map(),
    duration: 60_000,
    max: 1e9,
    id: (c) => `user:${(c.state.user as { sub: string }).sub}`,
    headers: { remaining: 'X-RateLimit-Remaining', reset: 'X-RateLimit-Reset', total: 'X-RateLimit-Limit' },
  }) as unknown as Koa.Middleware,
);
const router = new Router({ prefix: '/api/system' });
router.get('/status', (c) => {
  c.body = body;
});
app.use(router.routes());

const server = createServer(app.callback());
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
