/** Settings from the environment (env wins over data/config.json, which wins over these defaults). */
import path from 'node:path';
import type { ConnectionLimits } from './http/connection-limits.ts';

export interface KernelSettings {
  /** Unset when the environment does not say: then `web.port`/`web.host` of config.json, then 3000/127.0.0.1. */
  port?: number;
  host?: string;
  dataDir: string;
  pluginsFile: string;
  modulesDir: string;
  rateLimitMax: number;
  /** The web panel's own budget per window (kernel/http/ratelimit.ts). */
  panelRateLimitMax: number;
  rateLimitWindowMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  bodyLimit: string;
  /** Reverse-proxy hops whose `X-Forwarded-For` entries are trusted, counted from the right; 0: none. */
  trustProxyHops: number;
  connections: ConnectionLimits;
}

function int(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`environment: ${name}="${raw}" is not a non-negative integer`);
  return value;
}

/** `TRUST_PROXY`: unset or `0`/`false` trusts no proxy, `true` one hop, `N` that many. */
function proxyHops(env: NodeJS.ProcessEnv): number {
  const raw = env.TRUST_PROXY;
  if (raw === 'true') return 1;
  if (raw === 'false') return 0;
  return int('TRUST_PROXY', 0, env);
}

/** Reads and checks the kernel's environment variables; throws naming the bad one. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): KernelSettings {
  const level = (env.LOG_LEVEL ?? 'info') as KernelSettings['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`environment: LOG_LEVEL="${level}" is not one of debug, info, warn, error`);
  return {
    port: env.PORT ? int('PORT', 3000, env) : undefined,
    host: env.HOST || undefined,
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    pluginsFile: path.resolve(env.PLUGINS_FILE || 'plugins.json'),
    modulesDir: path.resolve(env.MODULES_DIR || 'modules'),
    rateLimitMax: int('RATE_LIMIT_MAX', 60, env),
    panelRateLimitMax: int('PANEL_RATE_LIMIT_MAX', 600, env),
    rateLimitWindowMs: int('RATE_LIMIT_WINDOW_MS', 60000, env),
    logLevel: level,
    bodyLimit: env.BODY_LIMIT || '1mb',
    trustProxyHops: proxyHops(env),
    connections: {
      headersTimeoutMs: int('HEADERS_TIMEOUT_MS', 20_000, env),
      requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 60_000, env),
      maxPerIp: int('MAX_CONNECTIONS_PER_IP', 256, env),
    },
  };
}
