/** Configuration: read and change it, YAML export/import, validation, history and rollback (API.md §3). */
import { defineModule } from '../../kernel/index.ts';
import { registerRoutes } from './routes.ts';

export default defineModule({
  name: 'config',
  routes(router, ctx) {
    registerRoutes(router, ctx, ctx.config);
  },
});
