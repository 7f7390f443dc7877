/**
 * `GET|PUT /event-probability` (docs/api.md#tools): the original's reply probability for bot events,
 * the `events` section declared in ../config.ts. A partial PUT keeps the keys it leaves out.
 */
import { requestBody, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import { DEFAULT_EVENTS, eventSettings } from '../config.ts';

const read = (ctx: ModuleContext) => ({ ...DEFAULT_EVENTS, ...ctx.config.get<Record<string, unknown>>('events') });

export function eventProbabilityRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const v = ctx.validate;

  router.get('/event-probability', v({ summary: 'Reply probability for bot events (the events section)', deprecated: true }), (c) => {
    c.body = read(ctx);
  });

  router.put('/event-probability', v({
    summary: 'Change the reply probability for bot events (omitted keys keep their value)',
    body: { type: 'object', properties: eventSettings, additionalProperties: false, minProperties: 1 },
    deprecated: true,
  }), async (c) => {
    const patch = requestBody<Record<string, unknown>>(c);
    await ctx.config.update({ events: patch });
    c.body = { success: true, config: read(ctx) };
  });
}
