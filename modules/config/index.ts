/**
 * Configuration: read and change it, YAML export/import, validation, history and rollback, and the
 * original plugin's config paths (advanced, triggers, links, wizard, tours, quick setup; docs/api.md#config).
 * The whole-document operations come from `ctx.configAdmin`, which the kernel gives the module named
 * `config` only.
 */
import { defineModule } from '../../kernel/index.ts';
import sections from './config.ts';
import { registerRoutes } from './routes.ts';

export default defineModule({
  name: 'config',
  config: sections,
  routes(router, ctx) {
    if (!ctx.configAdmin) throw new Error('the configuration routes need ctx.configAdmin, which only the module named "config" gets');
    registerRoutes(router, ctx, ctx.configAdmin);
  },
});
