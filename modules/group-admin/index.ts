/** Group admin (docs/api.md#group-admin, docs/http.md#roles): one group's settings, delegated to that group's admins. */
import { defineModule } from '../../kernel/index.ts';
import { registerActivityRoutes } from './activity.ts';
import { registerGroupless } from './guard.ts';
import { registerRoutes } from './routes.ts';
import { createGroupService } from './service.ts';

export default defineModule({
  name: 'group-admin',
  routes(router, ctx) {
    registerRoutes(router, ctx, createGroupService(ctx.store, ctx.config));
    registerActivityRoutes(router, ctx);
    registerGroupless(router, ctx);
  },
});
