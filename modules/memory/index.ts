/** Memory (docs/api.md#memory, docs/api.md#memory): long-term facts about users, stored per user. */
import { defineModule } from '../../kernel/index.ts';
import { createMemoryStore } from '../../lib/memory/index.ts';
import sections from './config.ts';
import { registerRoutes } from './routes.ts';

export default defineModule({
  name: 'memory',
  prefix: '/api/memories',
  config: sections,
  routes(router, ctx) {
    registerRoutes(router, ctx, createMemoryStore(ctx.store));
  },
});
