/**
 * The tools module (`/api/tools`): registers the built-in tools that need no chat platform and
 * serves tool management — listings, toggles, settings, dangerous tools, calls and the call log.
 * Tool state lives in `builtinTools` of the configuration; changes are announced on the event bus.
 */
import { defineModule } from '../../kernel/index.ts';
import { basicTools } from './builtin/basic.ts';
import { utilsTools } from './builtin/utils.ts';
import { webTools } from './builtin/web.ts';
import { createCallLog } from './call-log.ts';
import { callRoutes } from './routes/calls.ts';
import { stateRoutes } from './routes/state.ts';

export default defineModule({
  name: 'tools',
  setup(ctx) {
    for (const tool of [...basicTools, ...utilsTools, ...webTools(ctx.config)]) ctx.tools.register(tool);
  },
  routes(router, ctx) {
    stateRoutes(router, ctx);
    callRoutes(router, ctx, createCallLog(ctx));
  },
});
