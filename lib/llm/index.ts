/** The LLM path's public surface: adapters by wire format, channel rules, calls and their accounting. */
import { anthropicAdapter } from './anthropic.ts';
import { geminiAdapter } from './gemini.ts';
import { openaiAdapter } from './openai.ts';
import { redactingAdapter } from './redact.ts';
import type { Adapter, AdapterType } from './types.ts';

export * from './types.ts';
export * from './channel.ts';
export { UpstreamError } from './errors.ts';
export { upstreamRequest, type UpstreamResponse } from './http.ts';
export { selectKey, type SelectedKey } from './keys.ts';
export { parseSse, sseJson } from './sse.ts';
export * from './usage.ts';
export * from './call.ts';

/** Wrapped: what an upstream says is redacted before any caller sees it (redact.ts). */
const ADAPTERS: Record<AdapterType, Adapter> = {
  openai: redactingAdapter(openaiAdapter),
  claude: redactingAdapter(anthropicAdapter),
  gemini: redactingAdapter(geminiAdapter),
};

export function adapterFor(type: AdapterType): Adapter {
  const adapter = ADAPTERS[type];
  if (!adapter) throw new Error(`unknown adapter type "${type}"`);
  return adapter;
}
