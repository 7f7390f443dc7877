/** Memory (docs/api.md#memory): long-term facts about users, stored per user. */
import { defineModule } from '../../kernel/index.ts';
import { createMemoryStore } from '../../lib/memory/index.ts';
import sections from './config.ts';
import { registerOriginalRoutes } from './original-routes.ts';
import { registerRoutes } from './routes.ts';

export default defineModule({
  name: 'memory',
  prefix: '/api/memories',
  config: sections,
  // The original mounted the module at /api/memory (docs/statistics.md#original-paths). Fixed paths
  // come before `/api/memory/:id`, which would otherwise take them for an id.
  originals: {
    'GET /api/memory/users': '/users',
    'GET /api/memory/stats': '/stats',
    'GET /api/memory/categories': '/categories',
    'POST /api/memory/search': '/search',
    'DELETE /api/memory/clear-all': '/clear-all',
    'POST /api/memory/batch': '/batch',
    'POST /api/memory/merge/:userId': '/merge/:userId',
    'GET /api/memory/group/:groupId': '/group/:groupId',
    '/api/memory/user/:userId': '/user/:userId',
    'GET /api/memory/user/:userId/stats': '/user/:userId/stats',
    'GET /api/memory/user/:userId/category/:category': '/user/:userId/category/:category',
    'GET /api/memory/user/:userId/group/:groupId': '/user/:userId/group/:groupId',
    'POST /api/memory/user/:userId/summarize': '/user/:userId/summarize',
    'POST /api/memory': '/',
    'GET /api/memory/:id': '/legacy/memory-or-user/:id',
    'PUT /api/memory/:id': '/:id',
    'DELETE /api/memory/:id': '/legacy/memory-or-user/:id',
    'DELETE /api/memory/:userId/:memoryId': '/:userId/:memoryId',
  },
  routes(router, ctx) {
    const memories = createMemoryStore(ctx.store);
    registerRoutes(router, ctx, memories);
    registerOriginalRoutes(router, ctx, memories);
  },
});
