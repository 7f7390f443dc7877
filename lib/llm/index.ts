/** The LLM path's public surface: adapters by wire format, and how a channel becomes an endpoint. */
import { anthropicAdapter } from './anthropic.ts';
import type { Channel } from './channel.ts';
import { geminiAdapter } from './gemini.ts';
import { openaiAdapter } from './openai.ts';
import type { Adapter, AdapterType, Endpoint } from './types.ts';

export * from './types.ts';
export * from './channel.ts';
export { UpstreamError } from './errors.ts';
export { selectKey, type SelectedKey } from './keys.ts';
export { maskKey, isMasked } from './mask.ts';
export { parseSse, sseJson } from './sse.ts';
export * from './usage.ts';

const ADAPTERS: Record<AdapterType, Adapter> = { openai: openaiAdapter, claude: anthropicAdapter, gemini: geminiAdapter };

export function adapterFor(type: AdapterType): Adapter {
  const adapter = ADAPTERS[type];
  if (!adapter) throw new Error(`unknown adapter type "${type}"`);
  return adapter;
}

/** The endpoint for one call on `channel` with `apiKey`. */
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
