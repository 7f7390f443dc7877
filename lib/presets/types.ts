/**
 * The stored preset, the original shape of docs/api.md#presets: what `presets.json` holds. The presets
 * module writes it; `lib/presets` reads it for everyone.
 *
 *   - Model parameters: `modelParams`; the top-level `temperature` mirrors it. `model: ""` means the
 *     default model. `disableSystemPrompt: true` means send no system prompt.
 *   - Tool rules: `tools.enableBuiltinTools`, `enableMcpTools`, `allowedTools` (empty = all),
 *     `disabledTools`, `allowDangerous`, `allowedMcpServers`, `disabledMcpServers`.
 */

export interface ModelParams {
  temperature: number;
  top_p: number;
  max_tokens: number;
  presence_penalty: number;
  frequency_penalty: number;
}

export interface Persona {
  name: string;
  personality: string;
  speakingStyle: string;
  traits: string[];
  likes: string[];
  dislikes: string[];
  customFields: Record<string, string>;
  background: string;
  avatar: string;
}

export interface PresetContext {
  maxMessages: number;
  maxTokens: number;
  isolateContext: boolean;
  includeGroupContext: boolean;
  groupContextLength: number;
  clearOnSwitch: boolean;
}

export interface PresetTools {
  enableBuiltinTools: boolean;
  enableMcpTools: boolean;
  allowedTools: string[];
  disabledTools: string[];
  allowDangerous: boolean;
  allowedMcpServers: string[];
  disabledMcpServers: string[];
}

export interface Preset {
  id: string;
  name: string;
  description: string;
  systemPrompt: string;
  /** Empty: the default model. */
  model: string;
  /** Mirrors `modelParams.temperature`. */
  temperature: number;
  disableSystemPrompt: boolean;
  enableReasoning: boolean;
  modelParams: ModelParams;
  persona: Persona;
  context: PresetContext;
  tools: PresetTools;
  voice?: { enabled?: boolean; voiceId?: string; speed?: number };
  memory?: { enabled?: boolean; maxMemories?: number };
  category?: string;
  isBuiltin?: true;
  isReadonly?: true;
  /** Id of the preset this one was copied from, and the built-in at the origin of the chain. */
  createdFrom?: string;
  sourceBuiltinId?: string;
  createdAt: number;
  updatedAt: number;
}

/** The file `<DATA_DIR>/presets.json`. */
export interface PresetsFile {
  presets: Preset[];
}
