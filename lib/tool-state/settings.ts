/**
 * The `builtinTools` section of the configuration, read with defaults. It is the only place where
 * tool enable state lives (docs/architecture.md#events), so every module reads it through here.
 */
import type { ConfigService } from '../../kernel/index.ts';

export interface FetchSettings {
  /** Lets the fetch tools reach loopback, private and link-local addresses (tests, intranets). */
  allowPrivateNetwork: boolean;
  /** Host names exempt from the address checks (one intranet service without opening all private networks). */
  allowedHosts: string[];
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export interface ToolSettings {
  /** Master switch for every tool that does not come from an MCP server. */
  enabled: boolean;
  /** Enabled category keys; absent means every category is enabled. */
  enabledCategories?: string[];
  /** Whitelist: when non-empty, only these tools are available. */
  allowedTools: string[];
  disabledTools: string[];
  dangerousTools: string[];
  allowDangerous: boolean;
  fetch: FetchSettings;
}

const FETCH_DEFAULTS: FetchSettings = { allowPrivateNetwork: false, allowedHosts: [], maxBytes: 1024 * 1024, timeoutMs: 10_000, maxRedirects: 5 };

const DEFAULTS: Omit<ToolSettings, 'fetch'> = {
  enabled: true,
  allowedTools: [],
  disabledTools: [],
  dangerousTools: ['kick_member', 'mute_member', 'recall_message'],
  allowDangerous: false,
};

const strings = (value: unknown, fallback: string[]): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : fallback;
const bool = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);
const atLeast = (min: number, value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback);

/** The stored section as it is (no defaults), for read-modify-write updates. */
export function rawToolSettings(config: ConfigService): Record<string, unknown> {
  const raw = config.get<unknown>('builtinTools');
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
}

/** The section with defaults filled and wrongly typed values (a hand edit) replaced by defaults. */
export function readToolSettings(config: ConfigService): ToolSettings {
  const raw = rawToolSettings(config);
  const fetch = (raw.fetch && typeof raw.fetch === 'object' ? raw.fetch : {}) as Record<string, unknown>;
  return {
    enabled: bool(raw.enabled, DEFAULTS.enabled),
    ...(Array.isArray(raw.enabledCategories) ? { enabledCategories: strings(raw.enabledCategories, []) } : {}),
    allowedTools: strings(raw.allowedTools, DEFAULTS.allowedTools),
    disabledTools: strings(raw.disabledTools, DEFAULTS.disabledTools),
    dangerousTools: strings(raw.dangerousTools, DEFAULTS.dangerousTools),
    allowDangerous: bool(raw.allowDangerous, DEFAULTS.allowDangerous),
    fetch: {
      allowPrivateNetwork: bool(fetch.allowPrivateNetwork, FETCH_DEFAULTS.allowPrivateNetwork),
      allowedHosts: strings(fetch.allowedHosts, FETCH_DEFAULTS.allowedHosts),
      maxBytes: atLeast(1, fetch.maxBytes, FETCH_DEFAULTS.maxBytes),
      timeoutMs: atLeast(1, fetch.timeoutMs, FETCH_DEFAULTS.timeoutMs),
      maxRedirects: atLeast(0, fetch.maxRedirects, FETCH_DEFAULTS.maxRedirects),
    },
  };
}
