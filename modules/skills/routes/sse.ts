/** `GET /api/skills/sse`: a live stream of tool and MCP server events for the panel. */
import type { ModuleContext, ModuleRouter } from '../../../kernel/index.ts';
import { ssePayload } from '../events.ts';

const HEARTBEAT_MS = 30_000;

export function sseRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  // plugins.json may shorten the interval (`skills.options.heartbeatMs`), e.g. behind an impatient proxy.
  const heartbeatMs = typeof ctx.options.heartbeatMs === 'number' && ctx.options.heartbeatMs >= 100 ? ctx.options.heartbeatMs : HEARTBEAT_MS;

  router.get('/sse', ctx.validate({
    summary: 'Live stream of tool and MCP server events (EventSource; ?named=1 adds event names)',
    eventStream: true,
    query: { type: 'object', properties: { named: { type: 'string', enum: ['0', '1', 'true', 'false'] }, token: { type: 'string' } } },
  }), (c) => {
    const stream = ctx.sse(c);
    const unsubscribe = ctx.events.subscribe((event) => {
      const payload = ssePayload(event);
      if (payload) stream.send(event.type, payload);
    });
    // The original's named heartbeat, for panels that watch for it; the kernel adds its own comment pings.
    const heartbeat = setInterval(() => stream.send('heartbeat', { time: Date.now() }), heartbeatMs);
    stream.onClose(() => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    stream.send('connected', { time: Date.now() });
  });
}
