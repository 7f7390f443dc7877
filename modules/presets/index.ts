/** AI personas: system prompt, model parameters, persona, context and tool rules (docs/api.md#presets). */
import { defineModule } from '../../kernel/index.ts';
import sections from './config.ts';
import { routes } from './routes.ts';
import { presetService } from './service.ts';

export default defineModule({
  name: 'presets',
  config: sections,
  async setup(ctx) {
    await presetService(ctx).seed();
  },
  routes(router, ctx) {
    routes(router, ctx, presetService(ctx));
  },
});
