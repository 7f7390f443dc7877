/**
 * The preset a chat runs with, read from the store collection the presets module writes
 * (`presets.json`, `{presets: Preset[]}`): explicit id (404 when unknown), else the configured
 * default, else a plain assistant. Only the fields chat needs are read.
 */
import { notFound, type ConfigService, type Store } from '../../kernel/index.ts';

/** The part of the presets module's `Preset` that chat uses. */
interface StoredPreset {
  id: string;
  name: string;
  systemPrompt?: string;
  model?: string;
  disableSystemPrompt?: boolean;
  modelParams?: { temperature?: number; top_p?: number; max_tokens?: number };
  context?: { maxMessages?: number };
  tools?: ToolRules;
}

export interface ToolRules {
  enableBuiltinTools?: boolean;
  enableMcpTools?: boolean;
  allowedTools?: string[];
  disabledTools?: string[];
  allowDangerous?: boolean;
  allowedMcpServers?: string[];
  disabledMcpServers?: string[];
}

export interface ChatPreset {
  id: string | null;
  systemPrompt: string;
  model?: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  historyLimit: number;
  tools: ToolRules;
}

const FALLBACK_PROMPT = 'You are a helpful assistant.';
const DEFAULT_HISTORY = 20;

function withGlobalPrompt(prompt: string, config: ConfigService): string {
  const global = config.get<string | undefined>('context.globalSystemPrompt')?.trim();
  if (!global) return prompt;
  const mode = config.get<string | undefined>('context.globalPromptMode') ?? 'append';
  if (mode === 'override') return global;
  if (!prompt) return global;
  return mode === 'prepend' ? `${global}\n\n${prompt}` : `${prompt}\n\n${global}`;
}

export async function resolvePreset(store: Store, config: ConfigService, explicitId: string | undefined): Promise<ChatPreset> {
  const presets = (await store.collection<{ presets: StoredPreset[] }>('presets', { presets: [] }).read()).presets ?? [];
  const lookup = (id: string) => presets.find((p) => p.id === id) ?? presets.find((p) => p.name === id);
  const defaultId = config.get<string | undefined>('presets.defaultId') || config.get<string | undefined>('llm.defaultChatPresetId');
  const preset = explicitId ? lookup(explicitId) : defaultId ? lookup(defaultId) : undefined;
  if (explicitId && !preset) throw notFound('PRESET_NOT_FOUND', `No preset "${explicitId}"`);
  const historyLimit = preset?.context?.maxMessages || config.get<number | undefined>('context.maxMessages') || DEFAULT_HISTORY;
  if (!preset) return { id: null, systemPrompt: withGlobalPrompt(FALLBACK_PROMPT, config), historyLimit, tools: {} };
  return {
    id: preset.id,
    systemPrompt: preset.disableSystemPrompt ? '' : withGlobalPrompt(preset.systemPrompt ?? '', config),
    model: preset.model || undefined,
    temperature: preset.modelParams?.temperature,
    topP: preset.modelParams?.top_p,
    maxTokens: preset.modelParams?.max_tokens,
    historyLimit,
    tools: preset.tools ?? {},
  };
}
