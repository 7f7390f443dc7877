/**
 * The original plugin's system routes that have no counterpart in this API (docs/statistics.md#original-paths),
 * all deprecated: monitor, version, server mode and restart. Each answers what this server really is
 * and does; what it cannot do (a shared port, restarting its own process) is a 409 that says so.
 */
import { HttpError, requestBody } from '../../kernel/index.ts';
import type { ModuleContext, ModuleRouter } from '../../kernel/index.ts';
import { gitVersionOf } from './git-version.ts';
import { monitor } from './monitor.ts';
import { sampleRequestRates } from './request-rates.ts';

const serverModeBody = { type: 'object', properties: { sharePort: { type: 'boolean' } }, required: ['sharePort'], additionalProperties: false };
const restartBody = { type: 'object', properties: { type: { enum: ['reload', 'full'], default: 'reload' } }, additionalProperties: false };

/**
 * What the original reported of its web server. Here there is one listener of our own: never the host
 * bot's shared port (TRSS). `canRestart` meant "the bot can restart this process": no supervisor here.
 */
function serverMode(port: number | undefined) {
  return { isTRSS: false, sharePortEnabled: false, currentMode: 'standalone', port: port ?? null, canRestart: false };
}

export function originalRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const rates = sampleRequestRates(ctx);
  const gitVersion = gitVersionOf(ctx.dir);

  router.get('/monitor', ctx.validate({ summary: 'Memory, request rate and success rate (the kernel\'s request counters); latency null', deprecated: true }), (c) => {
    c.body = monitor(ctx.runtime, rates());
  });

  router.get('/version', ctx.validate({ summary: 'Version and the commit the server runs from (null without git)', deprecated: true }), async (c) => {
    c.body = { version: ctx.runtime.version, ...(await gitVersion()), nodejs: process.version, platform: process.platform };
  });

  router.get('/server-mode', ctx.validate({ summary: 'The web server\'s mode: always standalone (one listener of its own)', deprecated: true }), (c) => {
    c.body = serverMode(c.req.socket.localPort);
  });

  // Nothing here could run on the host bot's port, so there is no setting to store: false is what runs already.
  router.put('/server-mode', ctx.validate({ summary: 'Set the shared-port mode: only false (standalone) can run here', body: serverModeBody, deprecated: true }), (c) => {
    if (requestBody<{ sharePort: boolean }>(c).sharePort) {
      throw new HttpError(409, 'SHARED_PORT_UNSUPPORTED', 'This server always listens on its own HOST:PORT; it cannot share a host bot\'s port (sharePort: false is the only mode)');
    }
    c.body = { ...serverMode(c.req.socket.localPort), message: 'Standalone mode is the one in use', needRestart: false };
  });

  // `reload` reloads every loaded module through the kernel (what POST /modules/:name/reload does for one); this
  // module last, since the request runs on it. `full` would restart the process, which only a supervisor could bring back.
  router.post('/restart', ctx.validate({ summary: 'Reload every loaded module (type "reload"); "full" (restart the process) is not available', body: restartBody, deprecated: true }), async (c) => {
    const { type = 'reload' } = requestBody<{ type?: 'reload' | 'full' }>(c);
    if (type === 'full') {
      throw new HttpError(409, 'FULL_RESTART_UNSUPPORTED', 'No supervisor restarts this process; use "reload", or restart the service yourself (systemd, pm2, docker)');
    }
    const names = ctx.runtime.modules().filter((m) => m.status === 'loaded').map((m) => m.name).sort((a, b) => Number(a === ctx.name) - Number(b === ctx.name));
    for (const name of names) await ctx.runtime.reloadModule(name);
    const after = new Map(ctx.runtime.modules().map((m) => [m.name, m]));
    const modules = names.map((name) => {
      const m = after.get(name);
      return { name, status: m?.status ?? 'unloaded', reloads: m?.reloads ?? null, ...(m?.error ? { error: m.error } : {}) };
    });
    c.body = { type, message: `Reloaded ${modules.filter((m) => m.status === 'loaded').length} of ${modules.length} modules`, modules };
  });
}
