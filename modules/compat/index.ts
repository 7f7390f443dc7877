/**
 * The original plugin's paths that lie outside their target module's prefix (docs/statistics.md#original-paths):
 * a module's router serves only under its own prefix, so these few live here, at `/`, each served by
 * the target's own lib code and route spec (plus `deprecated`), so that it answers exactly like the
 * target. Aliases under their target's prefix stay in that module (lib/original-paths.ts).
 */
import { defineModule } from '../../kernel/index.ts';
import type { ModuleContext, ModuleRouter } from '../../kernel/index.ts';
import { HEALTH_SPEC, health, info, INFO_SPEC } from '../../lib/system-status.ts';

function routes(router: ModuleRouter, ctx: ModuleContext): void {
  router.get('/api/health', ctx.validate({ ...HEALTH_SPEC, deprecated: true }), (c) => {
    c.body = health(ctx.runtime);
  });
  router.get('/api/version', ctx.validate({ ...INFO_SPEC, deprecated: true }), (c) => {
    c.body = info(ctx.runtime);
  });
}

export default defineModule({ name: 'compat', prefix: '/', public: ['/api/health'], routes });
