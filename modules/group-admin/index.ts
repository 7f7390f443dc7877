/** Group admin (docs/api.md#group-admin, docs/http.md#roles): one group's settings, delegated to that group's admins. */
import { defineModule } from '../../kernel/index.ts';
import { registerActivityRoutes } from './activity.ts';
import { registerGroupless } from './guard.ts';
import { registerRoutes } from './routes.ts';
import { registerSchedulerRoutes } from './scheduler.ts';
import { createGroupService } from './service.ts';
import { registerStickerRoutes } from './stickers.ts';
import { registerUsageRoutes } from './usage.ts';

export default defineModule({
  name: 'group-admin',
  routes(router, ctx) {
    const groups = createGroupService(ctx.store, ctx.config);
    registerRoutes(router, ctx, groups);
    registerActivityRoutes(router, ctx);
    registerSchedulerRoutes(router, ctx);
    registerUsageRoutes(router, ctx, groups);
    registerStickerRoutes(router, ctx);
    registerGroupless(router, ctx);
  },
});
