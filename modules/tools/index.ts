/**
 * The tools module (`/api/tools`): registers the built-in tools that need no chat platform and
 * serves tool management — listings, toggles, settings, dangerous tools, custom tools, JS tool files, calls and the call log,
 * and the original's legacy list, event probability, reload-all and watcher paths.
 * Tool state lives in `builtinTools` of the configuration; changes are announced on the event bus.
 */
import path from 'node:path';
import { defineModule } from '../../kernel/index.ts';
import { basicTools } from './builtin/basic.ts';
import { utilsTools } from './builtin/utils.ts';
import { webTools } from './builtin/web.ts';
import { createCallLog } from './call-log.ts';
import sections from './config.ts';
import { openCustomTools, type CustomTools } from './custom/custom-tools.ts';
import { openJsTools, type JsTools } from './custom/js-tools.ts';
import { createToolRunner } from './custom/runner.ts';
import { callRoutes } from './routes/calls.ts';
import { customRoutes } from './routes/custom.ts';
import { docAliasRoutes } from './routes/doc-aliases.ts';
import { eventProbabilityRoutes } from './routes/event-probability.ts';
import { jsRoutes } from './routes/js.ts';
import { legacyEnabledRoutes } from './routes/legacy-enabled.ts';
import { reloadAllRoutes } from './routes/reload-all.ts';
import { stateRoutes } from './routes/state.ts';
import { watcherRoutes } from './routes/watcher.ts';

// Opened by `setup` (they read the store), used by `routes`; one pair per module version.
let custom: CustomTools;
let js: JsTools;

export default defineModule({
  name: 'tools',
  config: sections,
  async setup(ctx) {
    for (const tool of [...basicTools, ...utilsTools, ...webTools(ctx.config)]) ctx.tools.register(tool);
    // Custom and JS tools run in worker threads, which end with this module version.
    const runner = createToolRunner(path.join(ctx.dir, 'index.ts'));
    ctx.onDispose(() => runner.close());
    custom = await openCustomTools(ctx, runner);
    js = await openJsTools(ctx, runner);
  },
  routes(router, ctx) {
    stateRoutes(router, ctx);
    // Before the `/:name` routes of docAliasRoutes and callRoutes, which would take these paths.
    legacyEnabledRoutes(router, ctx);
    eventProbabilityRoutes(router, ctx);
    reloadAllRoutes(router, ctx, js);
    watcherRoutes(router, ctx);
    customRoutes(router, ctx, custom);
    jsRoutes(router, ctx, js);
    docAliasRoutes(router, ctx);
    callRoutes(router, ctx, createCallLog(ctx));
  },
});
