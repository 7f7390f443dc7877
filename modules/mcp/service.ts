/**
 * The MCP server registry: configs persisted in the `mcp-servers` collection (secret mode, env and
 * headers may hold keys), one live connection per server, and the `server-*` / `tools-reloaded`
 * events on the kernel bus (docs/architecture.md#events) for every change, whichever route caused it.
 */
import { HttpError, notFound } from '../../kernel/index.ts';
import type { Collection, ModuleContext } from '../../kernel/index.ts';
import { ServerConnection, type McpPrompt, type McpResource } from './connection.ts';
import { maskConfig, restoreMasked } from './secrets.ts';
import { RESERVED_NAMES, checkServerName, normalizeConfig, type ServerConfig } from './server-config.ts';

interface StoredServers {
  servers: Record<string, ServerConfig>;
}

export interface ImportResult {
  success: number;
  failed: number;
  total: number;
  errors: Array<{ name: string; error: string }>;
}

const BUILTIN = 'builtin';

export class McpService {
  private readonly connections = new Map<string, ServerConnection>();
  private readonly startedAt = Date.now();

  private constructor(
    private readonly ctx: ModuleContext,
    private readonly store: Collection<StoredServers>,
  ) {}

  /** Loads the stored servers (a hand-edited entry that no longer validates is skipped and logged). */
  static async open(ctx: ModuleContext): Promise<McpService> {
    const store = ctx.store.collection<StoredServers>('mcp-servers', { servers: {} }, { secret: true });
    const service = new McpService(ctx, store);
    const data = await store.read();
    for (const [name, raw] of Object.entries(data.servers ?? {})) {
      try {
        checkServerName(name, 'name');
        if (RESERVED_NAMES.has(name)) throw new Error('reserved name');
        service.connections.set(name, service.newConnection(name, normalizeConfig(raw as unknown as Record<string, unknown>, 'config')));
      } catch (err) {
        ctx.log.warn(`mcp-servers.json: server "${name}" ignored: ${(err as Error).message}`);
      }
    }
    return service;
  }

  private newConnection(name: string, config: ServerConfig): ServerConnection {
    return new ServerConnection(name, config, {
      log: this.ctx.log,
      tools: this.ctx.tools,
      publish: (type, payload) => this.publish(type, payload),
    });
  }

  private publish(type: string, payload: Record<string, unknown>): void {
    this.ctx.events.publish(type, { ...payload, timestamp: Date.now() });
  }

  /** Connects every enabled server without waiting: module setup must not block on slow servers. */
  connectAllInBackground(): void {
    for (const conn of this.connections.values()) {
      if (conn.config.enabled && conn.status === 'disconnected') this.connectAnnounced(conn).catch(() => {});
    }
  }

  private async connectAnnounced(conn: ServerConnection): Promise<void> {
    this.publish('server-connecting', { server: conn.name, name: conn.name });
    try {
      await conn.connect();
    } catch (err) {
      if ((err as HttpError).code !== 'CONNECTION_CANCELLED') {
        this.ctx.log.warn((err as Error).message);
        this.publish('server-error', { server: conn.name, name: conn.name, error: (err as Error).message });
      }
      throw err;
    }
    this.publish('server-connected', { server: conn.name, name: conn.name, toolsCount: conn.tools.length });
    this.publish('tools-reloaded', { server: conn.name, name: conn.name, toolsCount: conn.tools.length });
  }

  private async disconnectAnnounced(conn: ServerConnection): Promise<void> {
    const hadTools = conn.registryNames.size > 0;
    await conn.disconnect();
    if (hadTools) this.publish('tools-reloaded', { server: conn.name, name: conn.name, toolsCount: 0 });
  }

  /** A configured server, or 404 SERVER_NOT_FOUND. */
  private find(name: string): ServerConnection {
    const conn = this.connections.get(name);
    if (!conn) throw notFound('SERVER_NOT_FOUND', `No MCP server named "${name}"`);
    return conn;
  }

  /** A server that may be changed: the pseudo servers are refused with 400 (docs/api.md#mcp). */
  private managed(name: string): ServerConnection {
    if (RESERVED_NAMES.has(name)) {
      throw new HttpError(400, 'VALIDATION_ERROR', `"${name}" is a built-in pseudo server and cannot be changed`);
    }
    return this.find(name);
  }

  private builtinTools() {
    return this.ctx.tools.list().filter((t) => !t.category.startsWith('mcp:'));
  }

  list(): Array<Record<string, unknown>> {
    const builtin = {
      name: BUILTIN,
      type: BUILTIN,
      status: 'connected',
      enabled: true,
      toolsCount: this.builtinTools().length,
      resourcesCount: 0,
      promptsCount: 0,
      connectedAt: this.startedAt,
    };
    return [builtin, ...[...this.connections.values()].map(summary)];
  }

  detail(name: string): Record<string, unknown> {
    if (name === BUILTIN) return { ...this.list()[0], config: { type: BUILTIN }, tools: this.tools(BUILTIN), resources: [], prompts: [] };
    const conn = this.find(name);
    return {
      ...summary(conn),
      config: maskConfig(conn.config),
      pid: conn.pid ?? null,
      tools: toolsOf(conn),
      resources: conn.resources,
      prompts: conn.prompts,
    };
  }

  tools(name: string): Array<Record<string, unknown>> {
    if (name !== BUILTIN) return toolsOf(this.find(name));
    return this.builtinTools().map((t) => ({ name: t.name, registryName: t.name, description: t.description, inputSchema: t.inputSchema }));
  }

  resourcesOf(name: string): McpResource[] {
    return name === BUILTIN ? [] : this.find(name).resources;
  }

  allResources(): Array<McpResource & { serverName: string }> {
    return [...this.connections.values()].flatMap((c) => c.resources.map((r) => ({ ...r, serverName: c.name })));
  }

  allPrompts(): Array<McpPrompt & { serverName: string }> {
    return [...this.connections.values()].flatMap((c) => c.prompts.map((p) => ({ ...p, serverName: c.name })));
  }

  readResource(server: string, uri: string): Promise<unknown> {
    return this.find(server).readResource(uri);
  }

  getPrompt(server: string, name: string, args: Record<string, string>): Promise<unknown> {
    return this.find(server).getPrompt(name, args);
  }

  /** The registry name of one of a server's tools (calls go through the registry, which checks the schema). */
  registryName(server: string, tool: string): string {
    const conn = this.find(server);
    if (!conn.connected) throw new HttpError(409, 'NOT_CONNECTED', `MCP server "${server}" is not connected`);
    const registered = conn.registryNames.get(tool);
    if (!registered) throw notFound('TOOL_NOT_FOUND', `MCP server "${server}" has no tool "${tool}"`);
    return registered;
  }

  /** Persists a new server, then connects it; a failed connection leaves it registered with status `error`. */
  async add(name: string, config: ServerConfig): Promise<Record<string, unknown>> {
    if (RESERVED_NAMES.has(name)) throw new HttpError(409, 'SERVER_EXISTS', `"${name}" is a built-in pseudo server`);
    if (this.connections.has(name)) throw new HttpError(409, 'SERVER_EXISTS', `An MCP server named "${name}" already exists`);
    const [conn] = await this.register([[name, config]]);
    if (config.enabled) await this.connectAnnounced(conn);
    return this.detail(name);
  }

  /**
   * Takes the names before the first await (two concurrent adds of one name cannot both pass the
   * check), then persists them; if the write fails, the names are released again.
   */
  private async register(entries: Array<[string, ServerConfig]>): Promise<ServerConnection[]> {
    const conns = entries.map(([name, config]) => this.newConnection(name, config));
    for (const conn of conns) this.connections.set(conn.name, conn);
    try {
      await this.store.update((data) => {
        for (const [name, config] of entries) data.servers[name] = config;
      });
    } catch (err) {
      for (const conn of conns) this.connections.delete(conn.name);
      throw err;
    }
    return conns;
  }

  /** Replaces a server's config (masked values mean unchanged) and reconnects it. */
  async update(name: string, incoming: ServerConfig): Promise<Record<string, unknown>> {
    const conn = this.managed(name);
    const config = restoreMasked(incoming, conn.config);
    await this.store.update((data) => {
      data.servers[name] = config;
    });
    await this.disconnectAnnounced(conn);
    conn.config = config;
    if (config.enabled) await this.connectAnnounced(conn);
    return this.detail(name);
  }

  async remove(name: string): Promise<void> {
    const conn = this.managed(name);
    this.connections.delete(name);
    await this.disconnectAnnounced(conn);
    await this.store.update((data) => {
      delete data.servers[name];
    });
    this.publish('server-removed', { server: name, name });
  }

  async connect(name: string): Promise<Record<string, unknown>> {
    const conn = this.managed(name);
    if (conn.connected) throw new HttpError(409, 'ALREADY_CONNECTED', `MCP server "${name}" is already connected`);
    await this.connectAnnounced(conn);
    return this.detail(name);
  }

  async disconnect(name: string): Promise<Record<string, unknown>> {
    await this.disconnectAnnounced(this.managed(name));
    return this.detail(name);
  }

  async reconnect(name: string): Promise<Record<string, unknown>> {
    if (name === BUILTIN) {
      // Built-in tools belong to the tools module; there is nothing to reconnect, only to announce.
      this.publish('tools-reloaded', { server: BUILTIN, name: BUILTIN, toolsCount: this.builtinTools().length });
      return this.detail(BUILTIN);
    }
    const conn = this.managed(name);
    this.publish('server-reconnecting', { server: name, name });
    await this.disconnectAnnounced(conn);
    try {
      await conn.connect();
    } catch (err) {
      this.publish('server-error', { server: name, name, error: (err as Error).message });
      throw err;
    }
    this.publish('server-reconnected', { server: name, name, toolsCount: conn.tools.length });
    this.publish('tools-reloaded', { server: name, name, toolsCount: conn.tools.length });
    return this.detail(name);
  }

  /** Reconnects every enabled server in parallel; never throws, reports each outcome. */
  async reconnectAll(): Promise<{ total: number; connected: number; failed: number; results: Array<{ name: string; status: string; error?: string }> }> {
    const names = [...this.connections.values()].filter((c) => c.config.enabled).map((c) => c.name);
    const results = await Promise.all(
      names.map((name) =>
        this.reconnect(name).then(
          () => ({ name, status: 'connected' }),
          (err: Error) => ({ name, status: 'error', error: err.message }),
        ),
      ),
    );
    const connected = results.filter((r) => r.status === 'connected').length;
    return { total: results.length, connected, failed: results.length - connected, results };
  }

  /** Claude-Desktop `{mcpServers: {name: config}}`: each valid new entry is stored, then all are connected in parallel. */
  async importServers(entries: Record<string, unknown>): Promise<ImportResult> {
    const errors: ImportResult['errors'] = [];
    const accepted: Array<[string, ServerConfig]> = [];
    for (const [name, raw] of Object.entries(entries)) {
      try {
        const where = `body.mcpServers.${name}`;
        checkServerName(name, where);
        if (RESERVED_NAMES.has(name) || this.connections.has(name)) throw new HttpError(409, 'SERVER_EXISTS', `An MCP server named "${name}" already exists`);
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HttpError(400, 'VALIDATION_ERROR', `${where} must be an object`);
        accepted.push([name, normalizeConfig(raw as Record<string, unknown>, where)]);
      } catch (err) {
        errors.push({ name, error: describe(err) });
      }
    }
    const conns = accepted.length > 0 ? await this.register(accepted) : [];
    await Promise.all(
      conns.map(async (conn) => {
        if (!conn.config.enabled) return;
        try {
          await this.connectAnnounced(conn);
        } catch (err) {
          errors.push({ name: conn.name, error: describe(err) });
        }
      }),
    );
    const total = Object.keys(entries).length;
    return { success: total - errors.length, failed: errors.length, total, errors };
  }

  /** Disconnects everything (module unload or shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.disconnect()));
  }

  /** Disconnects every server, announcing the tools that leave (MCP switched off). */
  async disconnectAll(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => this.disconnectAnnounced(c)));
  }

  /** Synchronous last resort when the process exits with servers still running. */
  killAllNow(): void {
    for (const conn of this.connections.values()) conn.killNow();
  }
}

function summary(conn: ServerConnection): Record<string, unknown> {
  return {
    name: conn.name,
    type: conn.config.type,
    status: conn.status,
    enabled: conn.config.enabled,
    toolsCount: conn.tools.length,
    resourcesCount: conn.resources.length,
    promptsCount: conn.prompts.length,
    connectedAt: conn.connectedAt ?? null,
    reconnectAttempts: conn.reconnectAttempts,
    ...(conn.error ? { error: conn.error } : {}),
  };
}

function toolsOf(conn: ServerConnection): Array<Record<string, unknown>> {
  return conn.tools.map((t) => ({
    name: t.name,
    registryName: conn.registryNames.get(t.name) ?? null,
    description: t.description ?? '',
    inputSchema: t.inputSchema,
  }));
}

function describe(err: unknown): string {
  const details = (err as HttpError).details;
  const message = (err as Error)?.message ?? String(err);
  return details?.length ? details.map((d) => `${d.path} ${d.message}`).join('; ') : message;
}
