/**
 * Pure transformations of the preset object (its shape is in lib/presets): the template new presets
 * start from, the mapping of the documented input spellings onto the original shape, and the merge
 * rules of an update (docs/api.md#presets).
 */
import type { ModelParams, Persona, Preset, PresetContext, PresetTools } from '../../lib/presets/index.ts';
import type { BuiltinSeed } from './builtins.ts';

export type { Preset };

/** A request body or imported item after schema validation: either spelling, every field optional. */
export interface PresetInput {
  id?: string;
  name?: string;
  description?: string;
  systemPrompt?: string;
  model?: string;
  temperature?: number;
  disableSystemPrompt?: boolean;
  enableReasoning?: boolean;
  category?: string;
  modelParams?: Partial<ModelParams>;
  persona?: { [K in keyof Persona]?: Persona[K] | null | '' };
  context?: Partial<PresetContext>;
  tools?: Partial<PresetTools> & { enabled?: boolean; excludedTools?: string[] };
  voice?: Preset['voice'];
  memory?: Preset['memory'];
  maxTokens?: number;
  topP?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  isDefault?: boolean;
}

/** Fields of the original shape, each optional: what an input changes. */
type PresetPatch = Partial<Pick<Preset, 'name' | 'description' | 'systemPrompt' | 'model' | 'disableSystemPrompt' | 'enableReasoning' | 'category' | 'voice' | 'memory'>> & {
  modelParams?: Partial<ModelParams>;
  persona?: PresetInput['persona'];
  context?: Partial<PresetContext>;
  tools?: Partial<PresetTools>;
};

const emptyPersona = (): Persona => ({
  name: 'AI', personality: '', speakingStyle: '', traits: [], likes: [], dislikes: [], customFields: {}, background: '', avatar: '',
});

/** A fresh preset with every field at its default. */
export function template(id: string, now: number): Preset {
  return {
    id,
    name: 'Unnamed preset',
    description: '',
    systemPrompt: '',
    model: '',
    temperature: 0.7,
    disableSystemPrompt: false,
    enableReasoning: false,
    modelParams: { temperature: 0.7, top_p: 0.9, max_tokens: 4096, presence_penalty: 0, frequency_penalty: 0 },
    persona: emptyPersona(),
    context: { maxMessages: 20, maxTokens: 8000, isolateContext: false, includeGroupContext: false, groupContextLength: 10, clearOnSwitch: false },
    tools: {
      enableBuiltinTools: true, enableMcpTools: true, allowedTools: [], disabledTools: [], allowDangerous: false, allowedMcpServers: [], disabledMcpServers: [],
    },
    createdAt: now,
    updatedAt: now,
  };
}

/** The user preset `default`, created when no user preset exists. */
export function defaultUserPreset(now: number): Preset {
  return { ...template('default', now), name: 'Default', description: 'The default assistant', systemPrompt: 'You are a helpful assistant.' };
}

export function builtinPreset(seed: BuiltinSeed): Preset {
  const base = template(seed.id, 0);
  return {
    ...base,
    name: seed.name,
    description: seed.description,
    systemPrompt: seed.systemPrompt,
    temperature: seed.temperature,
    modelParams: { ...base.modelParams, temperature: seed.temperature },
    persona: { ...base.persona, name: seed.name, personality: seed.personality, speakingStyle: seed.speakingStyle },
    category: seed.category,
    isBuiltin: true,
    isReadonly: true,
  };
}

const defined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Maps the documented spellings onto the original shape; where both are given the original one wins. */
function toPatch(input: PresetInput): PresetPatch {
  const { name, description, systemPrompt, model, disableSystemPrompt, enableReasoning, category, voice, memory, persona, context } = input;
  const patch: PresetPatch = defined({ name, description, systemPrompt, model, disableSystemPrompt, enableReasoning, category, voice, memory, persona, context });
  const modelParams = {
    ...defined({ temperature: input.temperature, top_p: input.topP, max_tokens: input.maxTokens, presence_penalty: input.presencePenalty, frequency_penalty: input.frequencyPenalty }),
    ...input.modelParams,
  };
  if (Object.keys(modelParams).length) patch.modelParams = modelParams;
  if (input.tools) {
    const { enabled, excludedTools, ...tools } = input.tools;
    patch.tools = { ...defined({ enableBuiltinTools: enabled, enableMcpTools: enabled, disabledTools: excludedTools }), ...tools };
  }
  return patch;
}

/**
 * Applies an input to a preset (docs/api.md#presets): top-level fields replace; `modelParams`, `context`,
 * `tools`, `voice`, `memory` merge shallowly; `persona` merges key by key and `null` or `""` resets a key.
 */
export function applyInput(base: Preset, input: PresetInput, now: number): Preset {
  const { modelParams, persona, context, tools, voice, memory, ...fields } = toPatch(input);
  const next: Preset = { ...structuredClone(base), ...fields, updatedAt: now };
  next.modelParams = { ...next.modelParams, ...modelParams };
  next.temperature = next.modelParams.temperature;
  next.context = { ...next.context, ...context };
  next.tools = { ...next.tools, ...tools };
  if (voice) next.voice = { ...next.voice, ...voice };
  if (memory) next.memory = { ...next.memory, ...memory };
  const blank = emptyPersona();
  for (const [key, value] of Object.entries(persona ?? {}) as Array<[keyof Persona, unknown]>) {
    (next.persona as unknown as Record<string, unknown>)[key] = value === null || value === '' ? blank[key] : value;
  }
  return next;
}
