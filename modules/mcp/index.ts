/**
 * MCP: external MCP servers (stdio, npm/npx, streamable HTTP, SSE) whose tools join the kernel tool
 * registry as category `mcp:<server>`. Servers are connected in the background at setup (when
 * `mcp.enabled`), and every one — with a stdio server's whole process group — is closed on unload.
 */
import { defineModule } from '../../kernel/index.ts';
import { answerMcpServerRequests } from '../../lib/mcp-server-requests.ts';
import { answerRequest } from './requests.ts';
import { mcpRoutes } from './routes.ts';
import { McpService } from './service.ts';

// One bundle evaluation per module version, so this belongs to this version alone.
let service: McpService | undefined;

export default defineModule({
  name: 'mcp',
  async setup(ctx) {
    const current = await McpService.open(ctx);
    service = current;
    // Last resort if the process exits without unloading modules: no stdio server outlives us.
    const onExit = () => current.killAllNow();
    process.on('exit', onExit);
    ctx.onDispose(async () => {
      process.off('exit', onExit);
      await current.closeAll();
    });
    // Other modules (skills, tools) change servers through the bus (lib/mcp-server-requests.ts).
    answerMcpServerRequests(ctx.events, (request) => answerRequest(current, request));
    const enabled = () => ctx.config.get('mcp.enabled') !== false;
    if (enabled()) current.connectAllInBackground();
    // `mcp.enabled` switched at run time: connect the stored servers, or end them all.
    ctx.config.onChange((paths) => {
      if (!paths.some((p) => p === 'mcp' || p === 'mcp.enabled')) return;
      if (enabled()) current.connectAllInBackground();
      else void current.disconnectAll();
    });
  },
  routes(router, ctx) {
    mcpRoutes(router, ctx, () => {
      if (!service) throw new Error('mcp module used before setup');
      return service;
    });
  },
});
