/**
 * One MCP server: its client connection, what it offers (tools, resources, prompts), its tools in
 * the kernel registry while connected, and reconnection with back-off when it goes away uninvited.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { HttpError } from '../../kernel/index.ts';
import type { Logger, ToolContext, ToolRegistry } from '../../kernel/index.ts';
import { connectError, requestError, timeoutError } from './mcp-errors.ts';
import { ProcessGroupTransport } from './process-transport.ts';
import { loadSdk, type Sdk } from './sdk.ts';
import type { ServerConfig } from './server-config.ts';
import { registerTools, type McpTool } from './tool-bridge.ts';
import { createTransport } from './transports.ts';

export type ServerStatus = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'error';

export interface McpResource {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

export interface McpPrompt {
  name: string;
  description?: string;
  arguments?: Array<{ name: string; description?: string; required?: boolean }>;
}

/** What a server offers. */
type Lists = { tools: McpTool[]; resources: McpResource[]; prompts: McpPrompt[] };

/** What a connection needs from its module version. */
export interface ConnectionHooks {
  log: Logger;
  tools: ToolRegistry;
  publish(type: string, payload: Record<string, unknown>): void;
}

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/** Remote servers give no sign when they go away: ask them now and then. */
const REMOTE_PING_MS = 30_000;
const MAX_LISTED = 1000;
const CLIENT_INFO = { name: 'chatai-kernel', version: '1.0.0' };

export class ServerConnection {
  status: ServerStatus = 'disconnected';
  error?: string;
  connectedAt?: number;
  reconnectAttempts = 0;
  tools: McpTool[] = [];
  resources: McpResource[] = [];
  prompts: McpPrompt[] = [];
  /** MCP tool name → kernel registry name, for the tools registered now. */
  registryNames = new Map<string, string>();

  private client?: Client;
  private transport?: Transport;
  private pending?: Promise<void>;
  /** Bumped by every connect and disconnect, so callbacks of an older connection do nothing. */
  private generation = 0;
  /** Whether the server should be connected (so a lost connection is retried). */
  private wanted = false;
  private retryTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;
  private releaseTools = () => {};

  constructor(
    readonly name: string,
    public config: ServerConfig,
    private readonly hooks: ConnectionHooks,
  ) {}

  /** The pid of a stdio server while it runs. */
  get pid(): number | undefined {
    return this.transport instanceof ProcessGroupTransport ? this.transport.pid : undefined;
  }

  get connected(): boolean {
    return this.status === 'connected';
  }

  /** Connects (or joins the connection already under way). Rejects with 502/504 HttpErrors. */
  connect(): Promise<void> {
    this.wanted = true;
    if (this.status === 'connected') return Promise.resolve();
    clearTimeout(this.retryTimer);
    this.pending ??= this.open().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    const { timeout } = this.config;
    this.status = 'connecting';
    this.error = undefined;
    let sdk: Sdk;
    try {
      sdk = await loadSdk();
    } catch (err) {
      this.status = 'error';
      this.error = `The MCP SDK could not be loaded: ${(err as Error).message}`;
      throw connectError(this.name, err, timeout);
    }
    if (generation !== this.generation) throw cancelled(this.name);
    const transport = createTransport(this.config, sdk, (line) => this.hooks.log.debug(`[${this.name}] ${line}`));
    const client = new sdk.Client(CLIENT_INFO, { capabilities: {} });
    this.transport = transport;
    this.client = client;
    // Set before connecting, so that no close can slip by unnoticed; lost() ignores closes while connecting.
    client.onclose = () => this.lost(client, generation);
    client.onerror = (err) => this.hooks.log.debug(`MCP server "${this.name}": ${err.message}`);
    let timer: NodeJS.Timeout | undefined;
    let lists: Lists;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError(this.name, timeout)), timeout);
      });
      lists = await Promise.race([
        (async () => {
          await client.connect(transport, { timeout });
          return this.fetchLists(client);
        })(),
        deadline,
      ]);
    } catch (err) {
      const stderr = transport instanceof ProcessGroupTransport ? transport.stderr : '';
      await client.close().catch(() => {});
      if (generation !== this.generation) throw cancelled(this.name);
      const failure = connectError(this.name, err, timeout, stderr);
      this.client = undefined;
      this.transport = undefined;
      this.status = 'error';
      this.error = failure.message;
      throw failure;
    } finally {
      clearTimeout(timer);
    }
    if (generation !== this.generation) {
      await client.close().catch(() => {});
      throw cancelled(this.name);
    }
    this.watchLists(sdk, client, generation);
    Object.assign(this, lists);
    this.status = 'connected';
    this.connectedAt = Date.now();
    this.reconnectAttempts = 0;
    this.registerTools();
    if (!(transport instanceof ProcessGroupTransport)) this.schedulePing(client, generation);
  }

  private async fetchLists(client: Client): Promise<Lists> {
    const caps = client.getServerCapabilities() ?? {};
    const opts = { timeout: this.config.timeout };
    const [tools, resources, prompts] = await Promise.all([
      caps.tools ? collect((cursor) => client.listTools({ cursor }, opts).then((r) => [r.tools as McpTool[], r.nextCursor])) : [],
      caps.resources ? collect((cursor) => client.listResources({ cursor }, opts).then((r) => [r.resources, r.nextCursor])) : [],
      caps.prompts ? collect((cursor) => client.listPrompts({ cursor }, opts).then((r) => [r.prompts, r.nextCursor])) : [],
    ]);
    return { tools, resources, prompts };
  }

  /** Follows the server's list_changed notifications; a new tool list is re-registered and announced. */
  private watchLists({ types }: Sdk, client: Client, generation: number): void {
    const refresh = async () => {
      if (generation !== this.generation) return;
      let lists;
      try {
        lists = await this.fetchLists(client);
      } catch (err) {
        this.hooks.log.warn(`MCP server "${this.name}": could not refresh its lists: ${(err as Error).message}`);
        return;
      }
      if (generation !== this.generation) return;
      // Lists and registry change together, with no await in between.
      Object.assign(this, lists);
      this.registerTools();
      this.hooks.publish('tools-reloaded', { server: this.name, name: this.name, toolsCount: this.tools.length });
    };
    client.setNotificationHandler(types.ToolListChangedNotificationSchema, refresh);
    client.setNotificationHandler(types.ResourceListChangedNotificationSchema, refresh);
    client.setNotificationHandler(types.PromptListChangedNotificationSchema, refresh);
  }

  private schedulePing(client: Client, generation: number): void {
    // Plain timers, not ctx.setTimeout (which keeps a disposer per call): disconnect() clears them,
    // and the module's dispose disconnects every server.
    this.pingTimer = later(async () => {
      if (generation !== this.generation) return;
      try {
        await client.ping({ timeout: this.config.timeout });
        this.schedulePing(client, generation);
      } catch {
        if (generation === this.generation) void client.close().catch(() => {});
      }
    }, REMOTE_PING_MS);
  }

  private registerTools(): void {
    this.releaseTools();
    const call = (tool: string, args: Record<string, unknown>, context: ToolContext) => this.callTool(tool, args, context.signal);
    const { names, release } = registerTools(this.hooks.tools, this.name, this.tools, call, this.hooks.log, this.config.timeout);
    this.registryNames = names;
    this.releaseTools = () => {
      release();
      this.registryNames = new Map();
    };
  }

  /** The connection went away without a disconnect: drop the tools, then retry with back-off. */
  private lost(client: Client, generation: number): void {
    if (generation !== this.generation || this.client !== client || this.status !== 'connected') return;
    this.generation++;
    clearTimeout(this.pingTimer);
    this.releaseTools();
    this.forget();
    this.status = 'error';
    this.error = `MCP server "${this.name}" closed the connection`;
    this.hooks.log.warn(this.error);
    this.hooks.publish('tools-reloaded', { server: this.name, name: this.name, toolsCount: 0 });
    this.retry();
  }

  private retry(): void {
    if (!this.wanted) return;
    const { autoReconnect, maxReconnectAttempts } = this.config;
    if (!autoReconnect || this.reconnectAttempts >= maxReconnectAttempts) {
      const reason = autoReconnect ? `; gave up after ${this.reconnectAttempts} reconnect attempts` : '';
      this.error = `${this.error ?? 'disconnected'}${reason}`;
      this.hooks.publish('server-error', { server: this.name, name: this.name, error: this.error });
      return;
    }
    const attempt = ++this.reconnectAttempts;
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
    this.status = 'reconnecting';
    this.hooks.publish('server-reconnecting', { server: this.name, name: this.name, attempt, delay });
    this.retryTimer = later(() => {
      if (!this.wanted) return;
      this.pending ??= this.open().finally(() => (this.pending = undefined));
      this.pending.then(
        () => this.hooks.publish('server-reconnected', { server: this.name, name: this.name, attempt, toolsCount: this.tools.length }),
        (err: HttpError) => {
          if (err.code === 'CONNECTION_CANCELLED') return;
          this.hooks.log.warn(`MCP server "${this.name}": reconnect attempt ${attempt} failed: ${err.message}`);
          this.retry();
        },
      );
    }, delay);
  }

  /** Closes the connection (ending a stdio server's process group) and unregisters its tools. */
  async disconnect(): Promise<void> {
    this.wanted = false;
    this.generation++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.pingTimer);
    this.releaseTools();
    const { client, transport } = this;
    this.forget();
    this.status = 'disconnected';
    this.error = undefined;
    this.reconnectAttempts = 0;
    // Tell a streamable HTTP server the session is over (bounded: it may be unreachable).
    if (client && transport && 'terminateSession' in transport) {
      const session = (transport as StreamableHTTPClientTransport).terminateSession().catch(() => {});
      await Promise.race([session, new Promise((resolve) => later(() => resolve(undefined), 1000))]);
    }
    await client?.close().catch(() => {});
  }

  /** Drops what belonged to the connection that is gone. */
  private forget(): void {
    this.client = undefined;
    this.transport = undefined;
    this.connectedAt = undefined;
    this.tools = [];
    this.resources = [];
    this.prompts = [];
  }

  /** At process exit: kill a stdio server's group at once. */
  killNow(): void {
    if (this.transport instanceof ProcessGroupTransport) this.transport.killNow();
  }

  private openClient(): Client {
    if (!this.client || this.status !== 'connected') {
      throw new HttpError(409, 'NOT_CONNECTED', `MCP server "${this.name}" is not connected`);
    }
    return this.client;
  }

  async callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const client = this.openClient();
    try {
      return await client.callTool({ name, arguments: args }, undefined, { timeout: this.config.timeout, signal });
    } catch (err) {
      throw requestError(this.name, err, this.config.timeout);
    }
  }

  async readResource(uri: string): Promise<unknown> {
    const client = this.openClient();
    try {
      return await client.readResource({ uri }, { timeout: this.config.timeout });
    } catch (err) {
      throw requestError(this.name, err, this.config.timeout, 'RESOURCE');
    }
  }

  async getPrompt(name: string, args: Record<string, string>): Promise<unknown> {
    const client = this.openClient();
    try {
      return await client.getPrompt({ name, arguments: args }, { timeout: this.config.timeout });
    } catch (err) {
      throw requestError(this.name, err, this.config.timeout, 'PROMPT');
    }
  }
}

function later(fn: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(fn, ms).unref();
}

function cancelled(server: string): HttpError {
  return new HttpError(409, 'CONNECTION_CANCELLED', `The connection to MCP server "${server}" was cancelled by a disconnect`);
}

/** Follows `nextCursor` pages, up to MAX_LISTED entries. */
async function collect<T>(page: (cursor?: string) => Promise<[T[], string | undefined]>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const [items, next] = await page(cursor);
    all.push(...items);
    cursor = next;
  } while (cursor && all.length < MAX_LISTED);
  return all.slice(0, MAX_LISTED);
}
