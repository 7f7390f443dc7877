/**
 * Channels as stored and as shown: building a channel from client input (defaults, base-URL
 * normalisation, keys given as strings or objects, masked keys meaning "unchanged") and the masked view.
 * Shared by the channels module and the config module's quick setup, which creates a channel too.
 */
import { randomBytes } from 'node:crypto';
import { badRequest, isMasked, looksSecret, maskKey } from '../../kernel/index.ts';
import { channelDefaults, normaliseBaseUrl, type AdapterType, type ApiKeyEntry, type Channel } from './index.ts';

export type ChannelInput = Partial<Omit<Channel, 'apiKeys'>> & { apiKeys?: Array<string | Partial<ApiKeyEntry>> };

/** Fields a client may change (docs/api.md#channels); anything else in a body is ignored. */
const UPDATABLE = [
  'name', 'adapterType', 'baseUrl', 'baseUrls', 'baseUrlLatencies', 'selectedBaseUrlIndex', 'apiKey', 'apiKeys', 'strategy',
  'models', 'priority', 'enabled', 'advanced', 'customHeaders', 'headersTemplate', 'requestBodyTemplate', 'timeout', 'retry',
  'quota', 'weight', 'overrides', 'endpoints', 'auth', 'imageConfig', 'chatPath', 'modelsPath',
] as const;

/** Nested objects merge into the stored ones (arrays and scalars replace). */
const MERGED = new Set(['advanced', 'overrides', 'timeout', 'retry', 'quota', 'endpoints', 'auth', 'imageConfig']);
/** Changing these invalidates the cached models list and the health status. */
const CONNECTION_FIELDS = ['adapterType', 'baseUrl', 'baseUrls', 'apiKey', 'apiKeys', 'customHeaders', 'auth', 'endpoints', 'chatPath', 'modelsPath'];

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = deepMerge(base[k], v);
  }
  return out;
}

/** A key value from the client: a masked one resolves to the stored key it was made from. */
function resolveKey(value: string, stored: string[], path: string): string {
  if (!isMasked(value)) return value;
  const match = stored.find((k) => k && maskKey(k) === value);
  if (match === undefined) throw badRequest('a masked key must match a stored key; send the full key to change it', path);
  return match;
}

function buildKeys(input: Array<string | Partial<ApiKeyEntry>>, previous: ApiKeyEntry[]): ApiKeyEntry[] {
  const storedKeys = previous.map((k) => k.key);
  return input.map((item, i) => {
    const given = typeof item === 'string' ? { key: item } : item;
    const key = resolveKey(given.key ?? '', storedKeys, `body.apiKeys.${i}`);
    const old = previous.find((k) => k.key === key);
    return {
      key,
      name: given.name ?? old?.name ?? `Key ${i + 1}`,
      enabled: given.enabled ?? old?.enabled ?? true,
      weight: given.weight ?? old?.weight ?? 100,
      usageCount: old?.usageCount ?? 0,
      errorCount: old?.errorCount ?? 0,
      lastUsed: old?.lastUsed ?? null,
      lastError: old?.lastError ?? null,
      lastErrorAt: old?.lastErrorAt ?? null,
    };
  });
}

function resolveHeaders(input: Record<string, string>, previous: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    out[name] = isMasked(value) ? resolveKey(value, [previous[name] ?? ''], `body.customHeaders.${name}`) : value;
  }
  return out;
}

export function newChannelId(adapterType: AdapterType): string {
  return `${adapterType}-${randomBytes(4).toString('hex')}`;
}

/**
 * Applies client input to a stored channel (or to the defaults for a new one) and returns the
 * result. Throws 400 for a masked key that matches nothing stored.
 */
export function applyInput(input: ChannelInput, existing: Channel | undefined, now = Date.now()): Channel {
  const adapterType = (input.adapterType ?? existing?.adapterType ?? 'openai') as AdapterType;
  const base: Channel = existing ?? { id: input.id ?? newChannelId(adapterType), name: input.name ?? '', ...channelDefaults(adapterType, now) };
  const next = structuredClone(base);
  const fields = next as unknown as Record<string, unknown>;
  const before = base as unknown as Record<string, unknown>;

  for (const field of UPDATABLE) {
    const value = input[field];
    if (value === undefined) continue;
    if (field === 'apiKeys') next.apiKeys = buildKeys(value as ChannelInput['apiKeys'] & object, base.apiKeys);
    else if (field === 'apiKey') next.apiKey = resolveKey(value as string, [base.apiKey, ...base.apiKeys.map((k) => k.key)], 'body.apiKey');
    else if (field === 'customHeaders') next.customHeaders = resolveHeaders(value as Record<string, string>, base.customHeaders);
    else if (MERGED.has(field)) fields[field] = deepMerge(before[field], value);
    else fields[field] = structuredClone(value);
  }

  // Base URLs: a new list re-normalises, resets latencies and selects the first; a single
  // baseUrl outside the list replaces the list.
  if (input.baseUrls !== undefined) {
    const urls = [...new Set(input.baseUrls.map((u) => normaliseBaseUrl(u, adapterType)))];
    next.baseUrls = urls.length ? urls : [normaliseBaseUrl('', adapterType)];
    next.baseUrlLatencies = {};
    next.selectedBaseUrlIndex = 0;
    next.baseUrl = input.baseUrl !== undefined && next.baseUrls.includes(normaliseBaseUrl(input.baseUrl, adapterType)) ? normaliseBaseUrl(input.baseUrl, adapterType) : next.baseUrls[0];
    next.selectedBaseUrlIndex = next.baseUrls.indexOf(next.baseUrl);
  } else if (input.baseUrl !== undefined || input.adapterType !== undefined) {
    next.baseUrl = normaliseBaseUrl(input.baseUrl ?? (existing && input.adapterType !== existing.adapterType ? '' : base.baseUrl), adapterType);
    const index = next.baseUrls.indexOf(next.baseUrl);
    if (index === -1) {
      next.baseUrls = [next.baseUrl];
      next.baseUrlLatencies = {};
      next.selectedBaseUrlIndex = 0;
    } else next.selectedBaseUrlIndex = index;
  } else if (input.selectedBaseUrlIndex !== undefined) {
    if (input.selectedBaseUrlIndex >= next.baseUrls.length) throw badRequest('Invalid baseUrl index', 'body.selectedBaseUrlIndex');
    next.baseUrl = next.baseUrls[input.selectedBaseUrlIndex];
  }

  if (existing && CONNECTION_FIELDS.some((f) => input[f as keyof ChannelInput] !== undefined && JSON.stringify(fields[f]) !== JSON.stringify(before[f]))) {
    next.status = next.enabled ? 'idle' : 'disabled';
    next.modelsFetchedAt = null;
  }
  if (input.enabled !== undefined) next.status = input.enabled ? (next.status === 'disabled' ? 'idle' : next.status) : 'disabled';
  if (existing) requireSecretsForNewUrl(input, existing, next);
  next.id = base.id;
  next.updatedAt = now;
  return next;
}

/**
 * A stored key goes only to the base URLs it was stored with (docs/http.md#secrets): when `next` reaches a
 * URL that `stored` did not, each key and secret header it would send there must be in `input` in
 * full. Otherwise 400 naming the first one that was kept (masked or left out) rather than given.
 */
function requireSecretsForNewUrl(input: ChannelInput, stored: Channel, next: Channel): void {
  const before = new Set([stored.baseUrl, ...stored.baseUrls]);
  const newUrl = [next.baseUrl, ...next.baseUrls].find((url) => !before.has(url));
  if (newUrl === undefined) return;
  const given = new Set(
    [input.apiKey, ...(input.apiKeys ?? []).map((k) => (typeof k === 'string' ? k : k.key))].filter((k): k is string => !!k && !isMasked(k)),
  );
  const refuse = (path: string) =>
    badRequest(`${newUrl} is a new base URL for this channel: send its keys again in full (a stored key is only sent to the base URL it was stored for)`, path);
  if (next.apiKey && !given.has(next.apiKey)) throw refuse('body.apiKey');
  next.apiKeys.forEach((k, i) => {
    if (k.key && !given.has(k.key)) throw refuse(`body.apiKeys.${i}`);
  });
  for (const [name, value] of Object.entries(next.customHeaders ?? {})) {
    if (looksSecret(name) && value && input.customHeaders?.[name] !== value) throw refuse(`body.customHeaders.${name}`);
  }
}

/** The channel as every response shows it: keys and secret-looking headers masked. */
export function publicView(channel: Channel): Channel {
  const view = structuredClone(channel);
  view.apiKey = maskKey(view.apiKey);
  view.apiKeys = view.apiKeys.map((k) => ({ ...k, key: maskKey(k.key) }));
  view.customHeaders = Object.fromEntries(Object.entries(view.customHeaders ?? {}).map(([n, v]) => [n, looksSecret(n) ? maskKey(v) : v]));
  return view;
}

/** Whether the body carries a key of its own (not empty, not masked). */
export function hasOwnKey(input: ChannelInput): boolean {
  if (input.apiKey && !isMasked(input.apiKey)) return true;
  return (input.apiKeys ?? []).some((k) => {
    const key = typeof k === 'string' ? k : k.key;
    return !!key && !isMasked(key);
  });
}
