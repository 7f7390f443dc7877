/** System status, health, module management and the kernel event stream (docs/api.md#system). */
import { defineModule, HttpError } from '../../kernel/index.ts';
import type { ModuleContext, ModuleRouter } from '../../kernel/index.ts';
import { health, info, metrics, status } from './status.ts';
import { originalRoutes } from './original-routes.ts';

/** Events of the kernel itself, sent on /api/system/events (docs/architecture.md#events), and the bot bridge's connection events (§12 item 10). */
const KERNEL_EVENTS = new Set(['module-loaded', 'module-failed', 'module-unloaded', 'config-changed', 'bot-connected', 'bot-disconnected']);
const moduleName = { type: 'object', properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }, required: ['name'] };

function routes(router: ModuleRouter, ctx: ModuleContext): void {
  router.get('/health', ctx.validate({ summary: 'Liveness and module health (public)', rateLimit: false }), (c) => {
    c.body = health(ctx.runtime);
  });

  router.get('/status', ctx.validate({ summary: 'Status summary: version, uptime, memory, modules, requests' }), (c) => {
    c.body = status(ctx.runtime);
  });

  router.get('/stats', ctx.validate({ summary: 'Counters: requests, modules, tools' }), (c) => {
    const tools = ctx.tools.list();
    c.body = {
      requests: ctx.runtime.requests(),
      modules: status(ctx.runtime).modules,
      tools: { total: tools.length, byCategory: Object.fromEntries([...new Set(tools.map((t) => t.category))].map((k) => [k, tools.filter((t) => t.category === k).length])) },
      uptime: Math.round((Date.now() - ctx.runtime.startedAt) / 1000),
    };
  });

  router.get('/metrics', ctx.validate({ summary: 'Process metrics' }), (c) => {
    c.body = metrics();
  });

  router.get('/info', ctx.validate({ summary: 'Version and environment' }), (c) => {
    c.body = info(ctx.runtime);
  });

  router.get('/modules', ctx.validate({ summary: 'Every module with its status, prefix, load time, reload count and error' }), (c) => {
    c.body = ctx.runtime.modules();
  });

  router.post('/modules/:name/reload', ctx.validate({ summary: 'Reload a module now', params: moduleName, noBody: true }), async (c) => {
    const name = c.params.name;
    if (!(await ctx.runtime.reloadModule(name))) throw new HttpError(404, 'MODULE_NOT_FOUND', `No module named "${name}"`);
    const module = ctx.runtime.modules().find((m) => m.name === name);
    c.body = module ?? { name, status: 'unloaded' };
  });

  router.get('/events', ctx.validate({ summary: 'Server-Sent Events: module-loaded, module-failed, module-unloaded, config-changed', eventStream: true }), (c) => {
    const stream = ctx.sse(c);
    stream.send('connected', { modules: ctx.runtime.modules().length });
    const off = ctx.events.subscribe((event) => {
      if (KERNEL_EVENTS.has(event.type)) stream.send(event.type, event);
    });
    stream.onClose(off);
  });

  originalRoutes(router, ctx);
}

export default defineModule({
  name: 'system',
  public: ['/health'],
  // The original plugin's paths (docs/statistics.md#original-paths).
  originals: { 'GET /api/health': '/health', 'GET /api/version': '/version' },
  routes,
});
