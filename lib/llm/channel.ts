/**
 * The stored channel (docs/api.md#channels) and the pure rules around it: defaults, base-URL normalisation,
 * model mapping and "does this channel serve that model".
 */
import type { AdapterType } from './types.ts';

export type KeyStrategy = 'round-robin' | 'random' | 'weighted' | 'least-used' | 'failover';
export type ChannelStatus = 'idle' | 'active' | 'error' | 'disabled' | 'quota_exceeded';

export interface ApiKeyEntry {
  key: string;
  name: string;
  enabled: boolean;
  weight: number;
  usageCount: number;
  errorCount: number;
  lastUsed: number | null;
  lastError: string | null;
  /** When `lastError` happened: the failover strategy skips keys that failed in the last 5 minutes. */
  lastErrorAt: number | null;
}

export interface Channel {
  id: string;
  name: string;
  adapterType: AdapterType;
  baseUrl: string;
  baseUrls: string[];
  baseUrlLatencies: Record<string, number | null>;
  selectedBaseUrlIndex: number;
  apiKey: string;
  apiKeys: ApiKeyEntry[];
  strategy: KeyStrategy;
  models: string[];
  /** Lower numbers are tried first. */
  priority: number;
  enabled: boolean;
  advanced: {
    streaming: { enabled: boolean; chunkSize: number };
    thinking: Record<string, unknown>;
    llm: { temperature: number; maxTokens: number; topP: number; frequencyPenalty: number; presencePenalty: number; maxCharacters: number };
  };
  customHeaders: Record<string, string>;
  headersTemplate: string;
  requestBodyTemplate: string;
  chatPath: string;
  modelsPath: string;
  endpoints: { chat: string; models: string; embeddings: string; images: string };
  auth: { type: 'bearer' | 'api-key' | 'custom'; headerName: string; prefix: string };
  overrides: { modelMapping: Record<string, string>; systemPromptPrefix: string; systemPromptSuffix: string; stopSequences: string[] };
  imageConfig: Record<string, unknown>;
  timeout: { connect: number; read: number };
  retry: { maxAttempts: number; delay: number; backoff: 'exponential' | 'linear' | 'fixed' };
  quota: { daily: number; hourly: number; perMinute: number };
  weight: number;
  status: ChannelStatus;
  lastHealthCheck: number | null;
  testedAt: number | null;
  errorCount: number;
  lastErrorTime: number | null;
  modelsFetchedAt?: number | null;
  createdAt: number;
  updatedAt: number;
}

export const ADAPTER_TYPES: AdapterType[] = ['openai', 'claude', 'gemini'];
export const KEY_STRATEGIES: KeyStrategy[] = ['round-robin', 'random', 'weighted', 'least-used', 'failover'];

const DEFAULT_BASE_URL: Record<AdapterType, string> = {
  openai: 'https://api.openai.com/v1',
  claude: 'https://api.anthropic.com/v1',
  gemini: 'https://generativelanguage.googleapis.com',
};

/** Trim, drop trailing `/`; no path → `/v1` for openai and claude; empty → the adapter's default. */
export function normaliseBaseUrl(raw: string | undefined | null, adapterType: AdapterType): string {
  const trimmed = (raw ?? '').trim().replace(/\/+$/, '');
  if (!trimmed) return DEFAULT_BASE_URL[adapterType];
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return trimmed; // validated by the caller (the schema asks for a URL)
  }
  if ((url.pathname === '/' || url.pathname === '') && adapterType !== 'gemini') return `${trimmed}/v1`;
  return trimmed;
}

/** A channel as first stored: every field of docs/api.md#channels present. */
export function channelDefaults(adapterType: AdapterType, now = Date.now()): Omit<Channel, 'id' | 'name'> {
  const baseUrl = DEFAULT_BASE_URL[adapterType];
  return {
    adapterType,
    baseUrl,
    baseUrls: [baseUrl],
    baseUrlLatencies: {},
    selectedBaseUrlIndex: 0,
    apiKey: '',
    apiKeys: [],
    strategy: 'round-robin',
    models: [],
    priority: 100,
    enabled: true,
    advanced: {
      streaming: { enabled: false, chunkSize: 1024 },
      thinking: { enableReasoning: false, defaultLevel: 'medium', adaptThinking: true, sendThinkingAsMessage: false, vendorThinkingControl: 'auto' },
      llm: { temperature: 0.7, maxTokens: 4000, topP: 1, frequencyPenalty: 0, presencePenalty: 0, maxCharacters: 0 },
    },
    customHeaders: {},
    headersTemplate: '',
    requestBodyTemplate: '',
    chatPath: '',
    modelsPath: '',
    endpoints: { chat: '', models: '', embeddings: '', images: '' },
    auth: { type: 'bearer', headerName: '', prefix: '' },
    overrides: { modelMapping: {}, systemPromptPrefix: '', systemPromptSuffix: '', stopSequences: [] },
    imageConfig: { transferMode: 'auto', convertFormat: true, targetFormat: 'auto', compress: true, quality: 85, maxSize: 4096, processAnimated: true },
    timeout: { connect: 10_000, read: 60_000 },
    retry: { maxAttempts: 3, delay: 1000, backoff: 'exponential' },
    quota: { daily: 0, hourly: 0, perMinute: 0 },
    weight: 100,
    status: 'idle',
    lastHealthCheck: null,
    testedAt: null,
    errorCount: 0,
    lastErrorTime: null,
    createdAt: now,
    updatedAt: now,
  };
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** The entry of `mapping` that applies to `model`: an exact (case-insensitive) key first, then `*` patterns. */
function mappingFor(mapping: Record<string, string>, model: string): string | undefined {
  const lower = model.toLowerCase();
  for (const [from, to] of Object.entries(mapping)) if (!from.includes('*') && from.toLowerCase() === lower) return to;
  for (const [from, to] of Object.entries(mapping)) if (from.includes('*') && wildcard(from).test(model)) return to;
  return undefined;
}

/** The model actually sent upstream for a requested model (`overrides.modelMapping`). */
export function mapModel(channel: Pick<Channel, 'overrides'>, model: string): string {
  return mappingFor(channel.overrides?.modelMapping ?? {}, model) ?? model;
}

/** Whether a channel serves `model`: listed (case-insensitive) or covered by its model mapping. */
export function servesModel(channel: Pick<Channel, 'models' | 'overrides'>, model: string): boolean {
  const lower = model.toLowerCase();
  if (channel.models.some((m) => m.toLowerCase() === lower)) return true;
  return mappingFor(channel.overrides?.modelMapping ?? {}, model) !== undefined;
}
