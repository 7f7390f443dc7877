/**
 * The contract between the kernel and its modules. A module sees the kernel only through
 * `ModuleContext`; everything it registers there is released when its version is unloaded.
 */
import type Router from '@koa/router';
import type { IncomingHttpHeaders } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { HttpError } from './errors.ts';

/** A JSON Schema (the draft 2020-12 subset that ajv understands). */
export type JSONSchema = Record<string, unknown>;

/** The Koa context as a module handler sees it (`c.state.user` is set on authenticated routes). */
export type RequestContext = Context & { state: { user?: AuthUser } };
export type ModuleRouter = Router<{ user?: AuthUser }, Context>;

export interface AuthUser {
  /** "master", or "group-admin" bound to `groupId`. */
  role: 'master' | 'group-admin';
  groupId?: string;
  /** JWT id: logout puts it on the deny-list. */
  jti: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Stable id used for rate limiting and auditing: "master" or "group:<id>". */
  sub: string;
}

/** What a module file exports (through `defineModule` or as a plain object). */
export interface ModuleDefinition {
  /** Defaults to the folder name. */
  name?: string;
  /** Defaults to `/api/<name>`. */
  prefix?: string;
  /** Paths relative to the prefix that need no token, e.g. `['/health']`. */
  public?: string[];
  /**
   * The original plugin's paths this module also answers outside its prefix, each an alias of one of
   * its routes: `{'GET /api/preset/list': '/list', '/api/preset/:id': '/:id'}` (no method: every
   * method the route has). Served by the route's own middleware, marked deprecated in the OpenAPI
   * document; the parameter names must be the route's.
   */
  originals?: Record<string, string>;
  /**
   * The configuration sections this module owns, by name (`config.json`'s top-level keys). Checked
   * when the version is built; from then on every write of them is validated against `schema`.
   * Keep them in the module's `config.ts` (its default export) so that `npm run config` finds them
   * with no server running.
   */
  config?: ConfigSections;
  setup?(ctx: ModuleContext): void | Promise<void>;
  routes?(router: ModuleRouter, ctx: ModuleContext): void;
  teardown?(): void | Promise<void>;
}

/** One configuration section a module declares. */
export interface ConfigSection {
  /**
   * Checks every write of the section. Its `default`s fill in what the stored value leaves out;
   * `"x-secret": true` marks a secret string (shown masked), `"x-secret": "url"` a URL whose
   * credentials and tokens are.
   */
  schema: JSONSchema;
  /** The section's defaults as a value (merged under the stored one), besides the schema's own `default`s. */
  defaults?: unknown;
}

export type ConfigSections = Record<string, ConfigSection>;

/** A collection: one JSON file under DATA_DIR, written atomically, one writer at a time. */
export interface Collection<T> {
  /** The file this collection lives in. */
  readonly file: string;
  /** Current data (read once, then kept in memory; treat as read-only). */
  read(): Promise<T>;
  /** Applies `fn` to the data and resolves once the result is on disk. Serialized per file. */
  update<R = void>(fn: (data: T) => R | Promise<R>): Promise<R>;
  /** Replaces the data and resolves once on disk. */
  write(data: T): Promise<void>;
  /** Re-reads the file (after an edit by another process); rejects on invalid JSON and keeps the old data. */
  reload(): Promise<T>;
}

export interface CollectionOptions {
  /** Mode 0600: for files that hold secrets. */
  secret?: boolean;
}

export interface Store {
  /** DATA_DIR, absolute. */
  readonly dir: string;
  /**
   * Opens (or creates with `defaults`) the collection stored at `<DATA_DIR>/<name>.json`.
   * `name` may contain `/` to shard a large collection into a folder
   * (`conversations/abc123`); each segment must match `[A-Za-z0-9_.-]+` and not start with a dot.
   */
  collection<T>(name: string, defaults: T, options?: CollectionOptions): Collection<T>;
  /** Names of the collections directly inside folder `dir` (e.g. `conversations`). */
  list(dir: string): Promise<string[]>;
  /** Deletes a collection's file. Resolves false when it did not exist. */
  remove(name: string): Promise<boolean>;
}

export interface KernelEvent {
  type: string;
  [key: string]: unknown;
}

export interface EventBus {
  publish(type: string, payload?: Record<string, unknown>): void;
  /** Returns the unsubscribe function; a module's are also released when its version is replaced or unloaded. */
  subscribe(listener: (event: KernelEvent) => void): () => void;
}

/**
 * The configuration as a module sees it (`ctx.config`): values are read and changed, never the
 * whole document replaced. A section whose owning module is not loaded reads as it is stored (no
 * defaults), and cannot be changed.
 */
export interface ConfigService {
  /** The whole configuration (defaults filled, read-only), or the value at a dotted path. */
  get<T = unknown>(path?: string): T;
  /** Deep-merges a partial object, validates, persists; resolves with the changed dotted paths. */
  update(partial: Record<string, unknown>): Promise<string[]>;
  /** Called after every accepted change with the changed dotted paths. */
  onChange(listener: (paths: string[]) => void): () => void;
}

/** What `ctx.config` is. */
export type ModuleConfig = ConfigService;

/** A `{path, message}` detail of a validation failure (dotted configuration paths for the configuration). */
export interface ValidationDetail {
  path: string;
  message: string;
}

/** What made a configuration version: the first start, an API write, an edit of the file, an import, a rollback, the offline CLI. */
export type ConfigSource = 'initial' | 'api' | 'file' | 'import' | 'rollback' | 'cli';

/** A kept configuration version, as the history lists it. */
export interface ConfigVersionInfo {
  version: number;
  savedAt: string;
  source: ConfigSource;
  /** The dotted paths that changed from the version before. */
  paths: string[];
}

/**
 * The whole-document operations of the configuration — the schema, import, validation, history and
 * rollback — for the module that serves the configuration API. The kernel gives them to the module
 * named `config` only (`ctx.configAdmin`), so that no other module replaces or rolls back everything.
 */
export interface ConfigAdmin extends ConfigService {
  /** The JSON Schema of the sections declared now (the kernel's and each loaded module's), with defaults. */
  readonly schema: JSONSchema;
  /** The sections declared now. */
  readonly sections: readonly string[];
  /** The number of the version in force. */
  version(): number;
  /** Replaces the whole configuration (an import): declared sections left out take their defaults, the others stay as stored. */
  replace(config: unknown, source?: ConfigSource): Promise<string[]>;
  /** Replaces one declared section; 404 SECTION_NOT_FOUND for any other. */
  replaceSection(section: string, value: unknown): Promise<string[]>;
  /** Removes the keys at these dotted paths (a key with a default takes it again). */
  unset(paths: string[]): Promise<string[]>;
  /** Checks a whole configuration without writing; `[]` when valid. */
  validate(candidate: unknown): ValidationDetail[];
  /** Re-reads config.json now; 400 INVALID_CONFIG (with details) when it is invalid, which changes nothing. */
  reload(): Promise<string[]>;
  /** The versions kept, newest (the one in force) first. */
  history(): Promise<ConfigVersionInfo[]>;
  /** The configuration of a kept version (secrets in clear), or undefined. */
  at(version: number): Promise<Record<string, unknown> | undefined>;
  /** Makes a kept version's configuration current again (as a new version); 404 VERSION_NOT_FOUND. */
  rollback(version: number): Promise<string[]>;
  /** A copy of the configuration in force (or of `config`) with its secret values masked, to show. */
  masked(config?: Record<string, unknown>): Record<string, unknown>;
  /** The configuration as YAML text, secret values masked. */
  toYaml(): string;
  /** Parses YAML or JSON text; 400 PARSE_ERROR with line and column. */
  parseYaml(text: string): unknown;
}

export interface ToolContext {
  userId?: string;
  groupId?: string;
  /** Aborted when the caller goes away, or when the call runs past its time limit. */
  signal?: AbortSignal;
}

export interface ToolResult {
  content: Array<{ type: 'text'; text: string } | { type: string; [key: string]: unknown }>;
  isError?: boolean;
}

export interface ToolDefinition {
  name: string;
  description: string;
  /** Category key (`basic`, `web`, …, or `mcp:<server>`). */
  category: string;
  inputSchema: JSONSchema;
  dangerous?: boolean;
  /** How long a call may run before it is answered 504 TOOL_TIMEOUT (default 30 s). */
  timeoutMs?: number;
  handler(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult | unknown> | ToolResult | unknown;
}

export interface RegisteredTool extends Omit<ToolDefinition, 'handler'> {
  /** The module that registered it. */
  owner: string;
}

export interface ToolRegistry {
  /** Registers a tool; throws on a name already taken by another tool. Released on unload. */
  register(tool: ToolDefinition): () => void;
  list(): RegisteredTool[];
  get(name: string): RegisteredTool | undefined;
  /** Validates args against the tool's schema (400 INVALID_ARGS) and runs it. */
  call(name: string, args: unknown, context?: ToolContext): Promise<ToolResult>;
}

export interface Logger {
  debug(msg: string, extra?: Record<string, unknown>): void;
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
}

/** Request schemas of one route; also what `/api/openapi.json` is built from. */
export interface RouteSpec {
  summary?: string;
  description?: string;
  body?: JSONSchema;
  /** The route reads no request body (a POST that only triggers something): documented as such instead of with a schema. */
  noBody?: true;
  /** Served only because the original plugin had this path (docs/statistics.md#original-paths): `deprecated` in the OpenAPI document. */
  deprecated?: true;
  query?: JSONSchema;
  params?: JSONSchema;
  /** Content types accepted for the body (default JSON); any other is 415. */
  consumes?: string[];
  /**
   * Answers the kernel's refusal of this route's body (415, 413, malformed JSON) in the route's own
   * format instead of the envelope; the handler does not run.
   */
  bodyErrors?: (c: RequestContext, error: HttpError) => void;
  /** `false`: not counted by the rate limit (a health check). */
  rateLimit?: false;
  /** A group admin may call this route; on a path with `:groupId`, for its own group only. */
  groupAdmin?: boolean;
  /** The route answers an EventSource stream, so it also takes its token as `?token=` (EventSource cannot set headers). */
  eventStream?: boolean;
}

export interface SseStream {
  /** Sends `data: {"type", ...payload}` (plus `event: type` when the client asked `?named=1`). */
  send(type: string, payload?: Record<string, unknown>): void;
  close(): void;
  readonly closed: boolean;
  /** Called once when the client goes away or the stream is closed. */
  onClose(fn: () => void): void;
}

/**
 * A client's WebSocket upgrade request, as `authorize` sees it and the socket keeps it for its life
 * (a new version of the module reads the same headers).
 */
export interface WsRequest {
  path: string;
  /** The query string's parameters, the first value of each. */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The client's address, as `c.ip` for HTTP: from `X-Forwarded-For` only when TRUST_PROXY trusts a proxy. */
  ip: string;
}

/** An upgrade refused: answered with this status and the error envelope before any upgrade (401/403 usually). */
export interface WsRefusal {
  status: number;
  message: string;
  /** Default: by status (`UNAUTHORIZED`, `FORBIDDEN`, ...). */
  code?: string;
}

/** What a module does with a live socket. A handler's throw or rejection is logged; the socket stays open. */
export interface WsHandlers {
  /** A new connection (not called again when a reload rebinds an open one). */
  onOpen?(socket: WsSocket): void | Promise<void>;
  /**
   * One frame: text as a string, binary as a Buffer. Calls for one socket never overlap: while a
   * returned promise is pending (10 s at most), later frames wait, in order.
   */
  onMessage(socket: WsSocket, data: string | Buffer): void | Promise<void>;
  onClose?(socket: WsSocket, code: number, reason: string): void | Promise<void>;
}

export interface WsRoute extends WsHandlers {
  /** Decides the upgrade: `true` lets it in; a refusal is answered as plain HTTP. */
  authorize(request: WsRequest): true | WsRefusal | Promise<true | WsRefusal>;
  /** Largest frame accepted (default 1 MB); a bigger one closes the socket with 1009. */
  maxPayload?: number;
}

export interface WsConnection extends WsHandlers {
  /** `ws://` or `wss://`. */
  url: string;
  headers?: Record<string, string>;
  maxPayload?: number;
  /** Wait before redialing after a failure or a close: doubles from `minMs` (1000) up to `maxMs` (30000). */
  retry?: { minMs?: number; maxMs?: number };
}

interface WsSocketBase {
  /** Unique while the server runs. */
  readonly id: number;
  readonly openedAt: number;
  /** The module's own notes about this connection; kept across reloads, so keep plain data here. */
  readonly state: Record<string, unknown>;
  readonly open: boolean;
  /** Sends one frame; false (and nothing sent) when the socket is no longer open. */
  send(data: string | Buffer): boolean;
  /** Closes this connection (1000 by default). A `connect`ed one is dialed again after the backoff. */
  close(code?: number, reason?: string): void;
}

/** A live WebSocket, owned by the kernel on behalf of the module's name: it outlives a reload. */
export type WsSocket =
  | (WsSocketBase & { readonly via: 'route'; readonly path: string; readonly request: WsRequest })
  | (WsSocketBase & { readonly via: 'connect'; readonly key: string; readonly url: string });

/**
 * `ctx.ws`: WebSocket paths served and connections dialed by the kernel for a module. Its sockets
 * belong to the module's name and stay open across reloads. What a version declares while it is
 * built takes effect at the swap point, where the registry makes it current (before `module-loaded`):
 * each open socket's frames taken from its queue before then go to the old version's handlers, those
 * after to the new one's, and a frame the old version is still handling holds the next ones until it
 * ends. Sockets are not in-flight requests: they do not keep an old version draining. A socket is
 * closed with 1001 when the module is disabled or removed (no handler is called then) or when its
 * new version no longer declares its path or key.
 */
export interface ModuleWs {
  /** Serves WebSocket upgrades on `path` (absolute, any path outside a module's prefix too; one module per path). */
  route(path: string, route: WsRoute): void;
  /**
   * Keeps a connection to `url` open under `key`, redialing with backoff until `disconnect(key)`.
   * Declaring a key again with the same url and headers only swaps its handlers; otherwise it redials.
   */
  connect(key: string, connection: WsConnection): void;
  /** Stops dialing `key` and closes its socket (1000). */
  disconnect(key: string): void;
  /** The module's open sockets, both kinds. */
  sockets(): WsSocket[];
}

export interface LoginGrant {
  token: string;
  expiresAt: number;
  jti: string;
  role: AuthUser['role'];
  groupId?: string;
}

export interface AuthService {
  /** Issues a JWT for a role. */
  sign(user: { role: AuthUser['role']; groupId?: string }): Promise<LoginGrant>;
  /**
   * Exchanges a login token for a JWT. Temporary tokens are consumed; repeated failures from one
   * `client` (an IP) are refused with 429 RATE_LIMITED before the token store is read. With
   * `permanentOnly`, a valid temporary token is refused with 400 TEMPORARY_TOKEN and left unused.
   */
  exchange(loginToken: string, client: string, opts?: { permanentOnly?: boolean }): Promise<LoginGrant>;
  /** Creates a login token (what `npm run login-link` prints). */
  createLoginToken(opts: { kind: 'temporary' | 'permanent'; groupId?: string; rotate?: boolean }): Promise<{ token: string; expiresAt: number | null }>;
  /** The permanent login token, or null when none exists. */
  permanentLoginToken(): Promise<string | null>;
  /** Deletes the permanent login token; resolves false when there was none. */
  revokePermanentLoginToken(): Promise<boolean>;
  /** Puts a JWT id on the persisted deny-list until it expires. */
  revoke(jti: string, exp: number): Promise<void>;
}

export interface ModuleStatus {
  name: string;
  /** `loading`: a module seen for the first time, still being built. */
  status: 'loading' | 'loaded' | 'failed' | 'disabled';
  prefix: string | null;
  dir: string;
  loadedAt: string | null;
  reloads: number;
  error?: string;
}

/** How many requests one module answered with one status. */
export interface RequestCount {
  module: string;
  status: number;
  count: number;
}

/** The kernel's own state, for the system and metrics modules. */
export interface KernelRuntime {
  version: string;
  startedAt: number;
  /** Requests answered since start, and how many of them were 5xx. */
  requests(): { total: number; errors: number; inflight: number };
  /** Requests answered since start, by the module whose route answered ('' when none did) and status; counts only grow. */
  requestsByModule(): RequestCount[];
  modules(): ModuleStatus[];
  /** Reloads a module now; resolves false when no such module exists. */
  reloadModule(name: string): Promise<boolean>;
}

export interface ModuleContext {
  readonly name: string;
  readonly prefix: string;
  /** The module's folder, absolute. */
  readonly dir: string;
  /** `options` from plugins.json. */
  readonly options: Record<string, unknown>;
  readonly store: Store;
  /** The configuration: get, update, onChange. */
  readonly config: ModuleConfig;
  /** The whole-document operations of the configuration: for the module named `config` only, else undefined. */
  readonly configAdmin?: ConfigAdmin;
  readonly events: EventBus;
  readonly tools: ToolRegistry;
  readonly auth: AuthService;
  readonly runtime: KernelRuntime;
  readonly log: Logger;
  /** Middleware that validates params/query/body (400 VALIDATION_ERROR) and documents the route. */
  validate(spec: RouteSpec): Middleware;
  /** Compiles a schema once; the returned function throws VALIDATION_ERROR with `details`. */
  compile<T = unknown>(schema: JSONSchema, where?: string): (data: unknown) => T;
  /**
   * Opens an SSE stream on this request; it is closed when this version is replaced (the client reconnects) or unloaded.
   * `named`: every frame also carries `event: <type>` (a POST stream read with fetch); default: as the client's `?named=`.
   */
  sse(c: RequestContext, opts?: { named?: boolean }): SseStream;
  /** WebSocket paths and outgoing connections; their sockets survive reloads (see `ModuleWs`). */
  readonly ws: ModuleWs;
  setTimeout(fn: () => void, ms: number): NodeJS.Timeout;
  setInterval(fn: () => void, ms: number): NodeJS.Timeout;
  /** Runs `fn` when this version is unloaded (reverse order of registration, with a timeout). */
  onDispose(fn: () => void | Promise<void>): void;
}
