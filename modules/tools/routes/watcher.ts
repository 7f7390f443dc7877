/**
 * `GET /watcher/status`, `POST /watcher/toggle` (docs/api.md#tools). The original watched its JS tool
 * folder and its built-in tool folder and re-initialised on any change. Here the kernel's hot reload
 * watches this module's folder (the built-in tools) for every module alike, and reloading the module
 * loads the JS tools again; JS tool files are not a folder to watch: they are saved through `/js`,
 * which loads each one as it is saved. So the watcher is always on and cannot be stopped from here.
 */
import { HttpError, requestBody, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import { enabledBody } from '../../../lib/tool-state/schemas.ts';

function watcherStatus(ctx: ModuleContext) {
  const own = ctx.tools.list().filter((t) => t.owner === ctx.name);
  return {
    enabled: true,
    watchPaths: [{ path: ctx.dir, name: 'tools module (built-in tools), reloaded by the kernel' }],
    watchCount: 1,
    jsToolsCount: own.filter((t) => t.category === 'js').length,
    modularToolsCount: own.filter((t) => t.category !== 'js' && t.category !== 'custom').length,
    moduleReloads: ctx.runtime.modules().find((m) => m.name === ctx.name)?.reloads ?? 0,
    jsToolFiles: 'loaded again on every save through /api/tools/js, and when the module reloads; no folder of them is watched',
  };
}

export function watcherRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const v = ctx.validate;

  router.get('/watcher/status', v({ summary: 'What is watched for tool changes: the kernel\'s hot reload of this module', deprecated: true }), (c) => {
    c.body = watcherStatus(ctx);
  });

  router.post('/watcher/toggle', v({
    summary: 'Switch the tool watcher (only on is possible: the kernel\'s hot reload cannot be stopped for one module)',
    body: enabledBody,
    deprecated: true,
  }), (c) => {
    if (!requestBody<{ enabled: boolean }>(c).enabled) {
      throw new HttpError(409, 'WATCHER_ALWAYS_ON', 'The tools module is watched by the kernel\'s hot reload, which serves every module and cannot be stopped for one; JS tools need no watcher, they are loaded on every save through /api/tools/js');
    }
    c.body = watcherStatus(ctx);
  });
}
