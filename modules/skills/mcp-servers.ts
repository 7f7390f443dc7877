/**
 * MCP servers as skills sees them: the configurations the mcp module keeps in the store collection
 * `mcp-servers` and the tools it registered (category `mcp:<server>`). Only names, types and counts
 * are shown here — commands, URLs, env and headers may hold secrets and stay with the mcp module.
 * The connection state itself lives in the mcp module; here a server with tools counts as connected.
 */
import { notFound, type ModuleContext } from '../../kernel/index.ts';

interface StoredServer {
  type?: string;
  enabled?: boolean;
}

const BUILTIN = 'builtin';

export async function listServers(ctx: ModuleContext) {
  // Opened with the same options as the mcp module (the file holds secrets), and only ever read.
  const data = await ctx.store.collection<{ servers: Record<string, StoredServer> }>('mcp-servers', { servers: {} }, { secret: true }).read();
  const tools = ctx.tools.list();
  const builtinCount = tools.filter((t) => !t.category.startsWith('mcp:')).length;
  const servers = Object.entries(data.servers ?? {}).map(([name, config]) => {
    const toolsCount = tools.filter((t) => t.category === `mcp:${name}`).length;
    const enabled = config?.enabled !== false;
    return { name, type: config?.type ?? 'unknown', enabled, status: !enabled ? 'disabled' : toolsCount > 0 ? 'connected' : 'disconnected', toolsCount };
  });
  return [{ name: BUILTIN, type: BUILTIN, enabled: true, status: 'connected', toolsCount: builtinCount }, ...servers];
}

export async function serverDetail(ctx: ModuleContext, name: string) {
  const server = (await listServers(ctx)).find((s) => s.name === name);
  if (!server) throw notFound('SERVER_NOT_FOUND', `No MCP server named "${name}"`);
  const tools = ctx.tools
    .list()
    .filter((t) => (name === BUILTIN ? !t.category.startsWith('mcp:') : t.category === `mcp:${name}`))
    .map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
  return { ...server, tools };
}
