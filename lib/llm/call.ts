/**
 * One upstream call on one channel, as both `channels` (test) and `chat` make it: pick a key, map
 * the model, apply the channel's overrides, and afterwards record the outcome (usage and key health).
 */
import { mapModel, type Channel } from './channel.ts';
import { UpstreamError } from './errors.ts';
import { selectKey, type SelectedKey } from './keys.ts';
import { recordCall, type StoreLike } from './usage.ts';
import type { ChatRequest, Endpoint, Usage } from './types.ts';

/** The endpoint for one call on `channel` with `apiKey` (no key selection, no accounting: see `prepareCall`). */
export function endpointFor(channel: Channel, apiKey: string, signal?: AbortSignal): Endpoint {
  return {
    baseUrl: channel.baseUrl,
    apiKey,
    headers: channel.customHeaders,
    chatPath: channel.endpoints?.chat || channel.chatPath || undefined,
    modelsPath: channel.endpoints?.models || channel.modelsPath || undefined,
    auth: channel.auth,
    timeout: channel.timeout,
    signal,
  };
}

export interface PreparedCall {
  channel: Channel;
  key: SelectedKey;
  endpoint: Endpoint;
  /** The requested model, and the one sent upstream after mapping. */
  requestedModel: string;
  model: string;
  started: number;
}

export function prepareCall(channel: Channel, requestedModel: string, signal?: AbortSignal): PreparedCall {
  const key = selectKey(channel);
  return {
    channel,
    key,
    endpoint: endpointFor(channel, key.key, signal),
    requestedModel,
    model: mapModel(channel, requestedModel),
    started: performance.now(),
  };
}

/** The request as this channel wants it: mapped model, prompt prefix/suffix, stop sequences, default sampling. */
export function applyChannel(call: PreparedCall, request: ChatRequest): ChatRequest {
  const { overrides, advanced } = call.channel;
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
    model: call.model,
    messages,
    temperature: request.temperature ?? advanced?.llm?.temperature,
    maxTokens: request.maxTokens ?? (advanced?.llm?.maxTokens || undefined),
    ...(stop.length ? { stop } : {}),
  };
}

/** A short, countable name for an error (`http_429`, `timeout`, …). */
export function errorType(err: unknown): string {
  if (err instanceof UpstreamError) return err.kind === 'http' ? `http_${err.status}` : err.kind;
  return 'internal';
}

/** Records the outcome; an abort by the caller is nobody's fault and is not recorded. */
export async function finishCall(
  store: StoreLike,
  call: PreparedCall,
  outcome: { usage?: Usage; error?: unknown },
  source: string,
  switched = false,
): Promise<void> {
  if (outcome.error instanceof UpstreamError && outcome.error.aborted) return;
  await recordCall(store, {
    channelId: call.channel.id,
    model: call.requestedModel,
    keyIndex: call.key.index,
    ok: !outcome.error,
    usage: outcome.usage,
    durationMs: performance.now() - call.started,
    errorType: outcome.error ? errorType(outcome.error) : undefined,
    errorMessage: outcome.error ? String((outcome.error as Error).message ?? outcome.error).slice(0, 300) : undefined,
    source,
    switched,
  });
}
