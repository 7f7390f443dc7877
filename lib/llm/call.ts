/**
 * The one path of every upstream call — chat turns (API and bot), memory summaries, channel tests,
 * model listings of channels and of group-admin: pick the channel's key, apply its overrides, ask,
 * then account for the call. Accounting is an `upstream-call` event on the bus for every call
 * (docs/statistics.md#what-is-recorded: the usage recorder listens to it) and, for a call on a stored channel that spent
 * tokens (chat, summary, test), the per-channel usage files and the key's health. A model listing
 * goes to the event only: it has no model and no tokens, and counted in the usage files it would
 * dilute what they measure per call (success rate, duration and tokens per call, per model and key).
 */
import type { EventBus } from '../../kernel/index.ts';
import type { NetworkPolicy } from '../net/index.ts';
import { adapterFor } from './adapters.ts';
import { mapModel, type Channel } from './channel.ts';
import { errorKind, UpstreamError } from './errors.ts';
import { selectKey, type SelectedKey } from './keys.ts';
import { recordCall, type StoreLike } from './usage.ts';
import { emptyUsage, type ChatRequest, type ChatResult, type Endpoint, type Usage } from './types.ts';

/** What the call needs from its caller's module context. */
export interface UpstreamDeps {
  store: StoreLike;
  events: Pick<EventBus, 'publish'>;
}

export type CallKind = 'chat' | 'test' | 'summary' | 'models';
/** Who made the call happen: an API caller, the bot, or the server on its own account (memory summaries). */
export type CallSource = 'api' | 'bot' | 'system';

interface CallBase {
  source: CallSource;
  /** The chat's group and user, when known. */
  groupId?: string;
  userId?: string;
  /**
   * false: the channel is not a stored one as stored (an inline channel, or a stored one given another
   * URL or key): its usage files and key health are left alone, and the event names no channel.
   */
  stored?: boolean;
  /** The call comes after another channel or key failed. */
  switched?: boolean;
  signal?: AbortSignal;
  /** Keeps the request off private networks (a base URL a group admin chose). */
  network?: NetworkPolicy;
}

export interface ChatCall extends CallBase {
  kind: 'chat' | 'test' | 'summary';
  /** `model` is the one asked for; the channel's mapping is applied here. */
  request: ChatRequest;
  stream?: boolean;
  /** Streamed text as it arrives. */
  onContent?(text: string): void;
  /** The whole answer the moment it is complete, before the call is accounted for (a usage file written). */
  onResult?(result: ChatResult): void;
}

export interface ModelsCall extends CallBase {
  kind: 'models';
}

export interface CallOutcome<T> {
  value: T;
  /** The model sent upstream (after mapping); '' for a model listing. */
  model: string;
  key: SelectedKey;
  durationMs: number;
}

/** The payload of the `upstream-call` event. */
export interface UpstreamCallEvent {
  kind: CallKind;
  source: CallSource;
  /** null for a channel that is not stored (see `stored`). */
  channelId: string | null;
  /** The model asked for, before the channel's mapping; null for a model listing. */
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  durationMs: number;
  success: boolean;
  /** `http_429`, `timeout`, `aborted`, … (see errorKind); null on success. */
  errorKind: string | null;
  /** The upstream's message, already redacted; null on success. */
  error: string | null;
  groupId: string | null;
  userId: string | null;
}

/** The endpoint for one call on `channel` with `apiKey`: its custom headers, paths, auth style and timeouts. */
function endpointFor(channel: Channel, apiKey: string, call: CallBase): Endpoint {
  return {
    baseUrl: channel.baseUrl,
    apiKey,
    headers: channel.customHeaders,
    chatPath: channel.endpoints?.chat || channel.chatPath || undefined,
    modelsPath: channel.endpoints?.models || channel.modelsPath || undefined,
    auth: channel.auth,
    timeout: channel.timeout,
    signal: call.signal,
    network: call.network,
  };
}

/** The request as this channel wants it: mapped model, prompt prefix/suffix, stop sequences, default sampling. */
function applyChannel(channel: Channel, request: ChatRequest): ChatRequest {
  const { overrides, advanced } = channel;
  const prefix = overrides?.systemPromptPrefix ?? '';
  const suffix = overrides?.systemPromptSuffix ?? '';
  let messages = request.messages;
  if (prefix || suffix) {
    const hasSystem = messages.some((m) => m.role === 'system');
    messages = hasSystem
      ? messages.map((m) => (m.role === 'system' ? { ...m, content: [prefix, m.content, suffix].filter(Boolean).join('\n') } : m))
      : [{ role: 'system', content: [prefix, suffix].filter(Boolean).join('\n') }, ...messages];
  }
  const stop = [...(request.stop ?? []), ...(overrides?.stopSequences ?? [])];
  return {
    ...request,
    model: mapModel(channel, request.model),
    messages,
    temperature: request.temperature ?? advanced?.llm?.temperature,
    maxTokens: request.maxTokens ?? (advanced?.llm?.maxTokens || undefined),
    ...(stop.length ? { stop } : {}),
  };
}

async function askChat(endpoint: Endpoint, channel: Channel, call: ChatCall): Promise<ChatResult> {
  const adapter = adapterFor(channel.adapterType);
  const request = applyChannel(channel, call.request);
  if (!call.stream) return adapter.chat(endpoint, request);
  let result: ChatResult | undefined;
  for await (const event of adapter.stream(endpoint, request)) {
    if (event.type === 'content') call.onContent?.(event.text);
    else result = event.result;
  }
  if (!result) throw new UpstreamError('format', 200, 'the stream ended without a result');
  return result;
}

/** Publishes the call and, where it belongs there, records it in the usage files (see the header). */
async function account(deps: UpstreamDeps, channel: Channel, call: ChatCall | ModelsCall, key: SelectedKey, durationMs: number, outcome: { usage?: Usage; error?: unknown }): Promise<void> {
  const usage = outcome.usage ?? emptyUsage();
  const failed = outcome.error !== undefined;
  const message = failed ? String((outcome.error as Error)?.message ?? outcome.error).slice(0, 300) : null;
  const model = call.kind === 'models' ? null : call.request.model;
  const event: UpstreamCallEvent = {
    kind: call.kind,
    source: call.source,
    channelId: call.stored === false ? null : channel.id,
    model,
    ...usage,
    durationMs,
    success: !failed,
    errorKind: failed ? errorKind(outcome.error) : null,
    error: message,
    groupId: call.groupId ?? null,
    userId: call.userId ?? null,
  };
  deps.events.publish('upstream-call', { ...event });
  // An abort by the caller is nobody's fault: the channel's statistics and key health stay as they were.
  const aborted = outcome.error instanceof UpstreamError && outcome.error.aborted;
  if (call.stored === false || model === null || aborted) return;
  await recordCall(deps.store, {
    channelId: channel.id,
    model,
    keyIndex: key.index,
    ok: !failed,
    usage: outcome.usage,
    durationMs,
    errorType: event.errorKind ?? undefined,
    errorMessage: message ?? undefined,
    source: call.kind,
    switched: call.switched,
  });
}

/**
 * Makes one call on `channel` with the key its strategy picks and accounts for it, success or failure.
 * Failures are rethrown as they came (redacted UpstreamErrors; see `upstreamFailure` for an answer).
 */
export async function callUpstream(deps: UpstreamDeps, channel: Channel, call: ChatCall): Promise<CallOutcome<ChatResult>>;
export async function callUpstream(deps: UpstreamDeps, channel: Channel, call: ModelsCall): Promise<CallOutcome<string[]>>;
export async function callUpstream(deps: UpstreamDeps, channel: Channel, call: ChatCall | ModelsCall): Promise<CallOutcome<ChatResult | string[]>> {
  const key = selectKey(channel);
  const endpoint = endpointFor(channel, key.key, call);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let value: ChatResult | string[];
  try {
    value = call.kind === 'models' ? await adapterFor(channel.adapterType).listModels(endpoint) : await askChat(endpoint, channel, call);
  } catch (error) {
    await account(deps, channel, call, key, elapsed(), { error });
    throw error;
  }
  const durationMs = elapsed();
  if (call.kind !== 'models') call.onResult?.(value as ChatResult);
  await account(deps, channel, call, key, durationMs, { usage: Array.isArray(value) ? undefined : value.usage });
  return { value, model: call.kind === 'models' ? '' : mapModel(channel, call.request.model), key, durationMs };
}
