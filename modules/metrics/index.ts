/**
 * `GET /api/metrics` (docs/statistics.md#metrics): the Prometheus text format, by prom-client — process metrics,
 * HTTP requests by module and status (the kernel's counts), upstream calls, time and tokens by
 * channel and model, and bot messages by bot, direction and chat type (the onebot module's events).
 *
 * Each version has a Registry of its own, released with it: prom-client's global registry outlives a
 * reload, and the next version's metrics would be refused there as registered twice.
 */
import { Registry } from 'prom-client';
import { defineModule, HttpError, type RequestContext } from '../../kernel/index.ts';
import { countBotMessages } from './bot.ts';
import sections from './config.ts';
import { registerHttpMetrics } from './http.ts';
import { registerProcessMetrics } from './process.ts';
import { countUpstreamCalls } from './upstream.ts';

/**
 * What the kernel asks on a token route, asked here: whether this route needs a token is a setting
 * (`metrics.public`), so the kernel serves it as public, where a token sent is still read.
 */
function requireMaster(c: RequestContext): void {
  const user = c.state.user;
  if (!user) {
    const sent = c.get('Authorization') || (c.get('Cookie') && c.cookies.get('auth_token'));
    if (sent) throw new HttpError(401, 'INVALID_TOKEN', 'Invalid or expired token');
    throw new HttpError(401, 'UNAUTHORIZED', 'Authentication required: send a Bearer token (or set metrics.public to serve the metrics without one)');
  }
  if (user.role !== 'master') throw new HttpError(403, 'FORBIDDEN', `A group admin of group "${user.groupId}" may not GET ${c.path}`);
}

export default defineModule({
  name: 'metrics',
  public: ['/'],
  config: sections,
  routes(router, ctx) {
    const registry = new Registry();
    const stopProcessMetrics = registerProcessMetrics(registry);
    registerHttpMetrics(registry, ctx.runtime);
    countUpstreamCalls(ctx, registry);
    countBotMessages(ctx, registry);
    ctx.onDispose(() => {
      stopProcessMetrics();
      registry.clear();
    });

    router.get(
      '/',
      ctx.validate({
        summary: 'Prometheus metrics: process, HTTP requests by module and status, upstream calls and tokens by channel and model, bot messages (the master token unless metrics.public)',
        description: 'The Prometheus text format (not the envelope). Needs the master token, like any /api route, unless the configuration says `metrics.public: true`.',
      }),
      async (c) => {
        if (ctx.config.get('metrics.public') !== true) requireMaster(c);
        c.body = await registry.metrics();
        c.type = registry.contentType;
      },
    );
  },
});
