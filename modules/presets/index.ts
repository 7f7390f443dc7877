/** AI personas: system prompt, model parameters, persona, context and tool rules (docs/api.md#presets). */
import { defineModule } from '../../kernel/index.ts';
import sections from './config.ts';
import { routes } from './routes.ts';
import { presetService } from './service.ts';

export default defineModule({
  name: 'presets',
  config: sections,
  // The original's CRUD under the singular prefix (docs/statistics.md#original-paths). Fixed paths
  // come before `/api/preset/:id`, which would otherwise take them for an id.
  originals: {
    'GET /api/preset/list': '/',
    'POST /api/preset': '/',
    'POST /api/preset/from-builtin/:builtinId': '/from-builtin/:builtinId',
    'POST /api/preset/:id/default': '/:id/set-default',
    'GET /api/preset/:id/prompt': '/:id/prompt',
    '/api/preset/:id': '/:id',
  },
  async setup(ctx) {
    await presetService(ctx).seed();
  },
  routes(router, ctx) {
    routes(router, ctx, presetService(ctx));
  },
});
