/**
 * `POST /reload-all` (docs/api.md#tools): the original's full re-initialisation. Here: JS tool files
 * are loaded again, every enabled MCP server is reconnected by the mcp module (asked over the bus,
 * lib/mcp-server-requests.ts), and the tool state is announced. Built-in tools are this module's
 * code, which the kernel reloads when its files change; there is nothing else to rebuild for them.
 */
import { HttpError, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import { askMcpServers } from '../../../lib/mcp-server-requests.ts';
import { reloadTools } from '../../../lib/tool-state/changes.ts';
import type { JsTools } from '../custom/js-tools.ts';

interface Reconnected {
  total: number;
  connected: number;
  failed: number;
  results: Array<{ name: string; status: string; error?: string }>;
}

/** The mcp module's reconnect-all, or null when no mcp module is loaded. */
async function reconnectMcp(ctx: ModuleContext): Promise<Reconnected | null> {
  try {
    return (await askMcpServers(ctx.events, { op: 'reconnect-all' })) as Reconnected;
  } catch (err) {
    if (err instanceof HttpError && err.code === 'MCP_UNAVAILABLE') return null;
    throw err;
  }
}

export function reloadAllRoutes(router: ModuleRouter, ctx: ModuleContext, js: JsTools): void {
  router.post('/reload-all', ctx.validate({
    summary: 'Load the JS tools again, reconnect every MCP server and report the counts',
    noBody: true,
    deprecated: true,
  }), async (c) => {
    const jsTools = await js.reload();
    const mcp = await reconnectMcp(ctx);
    const { count } = await reloadTools(ctx);
    const servers = mcp ? `${mcp.connected} of ${mcp.total} MCP servers reconnected` : 'no MCP servers (the mcp module is not loaded)';
    c.body = {
      success: true,
      tools: count,
      servers: mcp?.connected ?? 0,
      message: `${count} tools; ${jsTools.count} JS tool files loaded, ${jsTools.failed} failed; ${servers}`,
      js: { loaded: jsTools.count, failed: jsTools.failed },
      mcp,
    };
  });
}
