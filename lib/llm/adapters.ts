/** The adapter of each wire format, wrapped so that what an upstream says is redacted before any caller sees it (redact.ts). */
import { anthropicAdapter } from './anthropic.ts';
import { geminiAdapter } from './gemini.ts';
import { openaiAdapter } from './openai.ts';
import { redactingAdapter } from './redact.ts';
import type { Adapter, AdapterType } from './types.ts';

const ADAPTERS: Record<AdapterType, Adapter> = {
  openai: redactingAdapter(openaiAdapter),
  claude: redactingAdapter(anthropicAdapter),
  gemini: redactingAdapter(geminiAdapter),
};

/** Used by `callUpstream` only (call.ts): every call is made and accounted for there. */
export function adapterFor(type: AdapterType): Adapter {
  const adapter = ADAPTERS[type];
  if (!adapter) throw new Error(`unknown adapter type "${type}"`);
  return adapter;
}
