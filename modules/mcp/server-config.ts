/**
 * MCP server configurations: the accepted input forms (docs/api.md#mcp — `{config: {...}}`, the same
 * fields at the top level, the nested `{transport: {type, url}}` form, Claude-Desktop entries)
 * normalised into one stored shape, checked field by field so bad input is a 400 naming the field.
 */
import { badRequest } from '../../kernel/index.ts';

export const TRANSPORT_TYPES = ['stdio', 'npm', 'npx', 'http', 'sse'] as const;
export type TransportType = (typeof TRANSPORT_TYPES)[number];

/** What is stored per server in `mcp-servers.json` and what a connection is built from. */
export interface ServerConfig {
  type: TransportType;
  command?: string;
  package?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
  /** Connect and request timeout, ms. */
  timeout: number;
  autoReconnect: boolean;
  maxReconnectAttempts: number;
  /** A disabled server is kept in the registry but never connected. */
  enabled: boolean;
}

/**
 * Segments of letters and digits joined by single `-` or `_`: safe in URLs and file names, and the
 * registry name `<server>__<tool>` can always be split back, so two servers' tools never collide.
 */
export const SERVER_NAME_PATTERN = '^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$';
export const SERVER_NAME_MAX = 64;
const SERVER_NAME = new RegExp(SERVER_NAME_PATTERN);

/** Pseudo servers that are listed but cannot be added, changed or removed (docs/api.md#mcp). */
export const RESERVED_NAMES = new Set(['builtin', 'custom-tools']);

export const DEFAULTS = { timeout: 30_000, autoReconnect: true, maxReconnectAttempts: 5 };
const TIMEOUT_RANGE = [100, 600_000] as const;
const MAX_RECONNECTS = 100;

/** The fields of a config object, wherever the caller put them. */
const CONFIG_FIELDS = ['type', 'command', 'package', 'args', 'env', 'url', 'headers', 'timeout', 'autoReconnect', 'maxReconnectAttempts', 'enabled', 'disabled', 'transport'];

export function checkServerName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.length === 0) throw badRequest('is required', where);
  if (name.length > SERVER_NAME_MAX || !SERVER_NAME.test(name)) {
    throw badRequest(`must be 1-${SERVER_NAME_MAX} letters or digits, joined by single "-" or "_"`, where);
  }
  return name;
}

/** Picks the config out of a POST/PUT body: `body.config` when present, else the top-level fields. */
export function configOf(body: Record<string, unknown>): { raw: Record<string, unknown>; where: string } {
  if (body.config !== undefined) {
    if (!isObject(body.config)) throw badRequest('must be an object', 'body.config');
    return { raw: body.config, where: 'body.config' };
  }
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_FIELDS) if (body[key] !== undefined) raw[key] = body[key];
  return { raw, where: 'body' };
}

/**
 * Validates and normalises one server config. A missing `type` is inferred (`url` → `sse`,
 * `package` → `npm`, otherwise `stdio`), as the original's import does.
 */
export function normalizeConfig(input: Record<string, unknown>, where: string): ServerConfig {
  const raw = flattenNested(input, where);
  const type = raw.type ?? (raw.url !== undefined ? 'sse' : raw.package !== undefined ? 'npm' : 'stdio');
  if (typeof type !== 'string' || !(TRANSPORT_TYPES as readonly string[]).includes(type)) {
    throw badRequest(`Unsupported server type; use one of ${TRANSPORT_TYPES.join(', ')}`, `${where}.type`);
  }
  const config: ServerConfig = {
    type: type as TransportType,
    timeout: integer(raw.timeout, `${where}.timeout`, TIMEOUT_RANGE[0], TIMEOUT_RANGE[1]) ?? DEFAULTS.timeout,
    autoReconnect: boolean(raw.autoReconnect, `${where}.autoReconnect`) ?? DEFAULTS.autoReconnect,
    maxReconnectAttempts: integer(raw.maxReconnectAttempts, `${where}.maxReconnectAttempts`, 0, MAX_RECONNECTS) ?? DEFAULTS.maxReconnectAttempts,
    enabled: enabledOf(raw, where),
  };
  if (type === 'stdio') {
    config.command = text(raw.command, `${where}.command`, true);
  } else if (type === 'npm' || type === 'npx') {
    const pkg = text(raw.package, `${where}.package`, true)!;
    // npx would read a leading "-" as one of its own options.
    if (pkg.startsWith('-')) throw badRequest('must be a package name, not an option', `${where}.package`);
    config.package = pkg;
  } else {
    config.url = httpUrl(raw.url, `${where}.url`);
    const headers = stringMap(raw.headers, `${where}.headers`);
    if (headers) config.headers = headers;
  }
  if (type !== 'http' && type !== 'sse') {
    const args = stringList(raw.args, `${where}.args`);
    if (args) config.args = args;
    const env = stringMap(raw.env, `${where}.env`);
    if (env) config.env = env;
  }
  return config;
}

/** `{transport: {type, url, ...}, env, headers}` → the flat form. */
function flattenNested(input: Record<string, unknown>, where: string): Record<string, unknown> {
  if (input.transport === undefined) return input;
  if (!isObject(input.transport)) throw badRequest('must be an object', `${where}.transport`);
  const { transport, ...rest } = input;
  return { ...transport, ...rest };
}

function enabledOf(raw: Record<string, unknown>, where: string): boolean {
  const enabled = boolean(raw.enabled, `${where}.enabled`);
  const disabled = boolean(raw.disabled, `${where}.disabled`);
  return enabled ?? (disabled === undefined ? true : !disabled);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, where: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw badRequest('is required and must be a non-empty string', where);
  if (value.length > 4096 || value.includes('\0')) throw badRequest('is too long or contains a NUL byte', where);
  return value;
}

function integer(value: unknown, where: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`must be an integer from ${min} to ${max}`, where);
  }
  return value;
}

function boolean(value: unknown, where: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw badRequest('must be a boolean', where);
  return value;
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 256) throw badRequest('must be an array of at most 256 strings', where);
  value.forEach((item, i) => {
    if (typeof item !== 'string' || item.includes('\0')) throw badRequest('must be a string without NUL bytes', `${where}.${i}`);
  });
  return value as string[];
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw badRequest('must be an object of strings', where);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(key) || FORBIDDEN_KEYS.has(key)) throw badRequest('has an invalid key', `${where}.${key}`);
    if (typeof item !== 'string' || item.includes('\0')) throw badRequest('must be a string without NUL bytes', `${where}.${key}`);
    out[key] = item;
  }
  return out;
}

function httpUrl(value: unknown, where: string): string {
  const raw = text(value, where, true)!;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('must be an absolute http(s) URL', where);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('must be an absolute http(s) URL', where);
  return raw;
}
