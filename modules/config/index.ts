/** Configuration: read and change it, YAML export/import, validation, history and rollback (API.md §3). */
import { defineModule } from '../../kernel/index.ts';
// ctx.config shows a module only get/update/onChange; history, rollback, import and reload need the
// whole kernel service, found by the store it was created with. Once the kernel passes the whole
// service as ctx.config, this import and the lookup below go.
import { configServiceFor } from '../../kernel/config/service.ts';
import { registerRoutes } from './routes.ts';

export default defineModule({
  name: 'config',
  routes(router, ctx) {
    const config = configServiceFor(ctx.store);
    if (!config) throw new Error('the kernel config service is not available to the config module');
    registerRoutes(router, ctx, config);
  },
});
