/**
 * What a chat turn runs with. Four layers, most specific first: the request, the group's own
 * settings, the preset, then the global configuration and its defaults. The group and global layers
 * are the effective settings of `GET /api/group-admin/:groupId/effective` (group → global → default);
 * a chat without a group reads them with no group values, so both resolve the same way.
 *
 * - preset: the request's (404 when unknown), else the effective `presetId`; when a group names a
 *   preset deleted since, the default preset; without any, a plain assistant.
 * - model: the request's, else the group's own `models.chat`, else the preset's; else routing takes the
 *   effective `models.chat` (global) when a channel serves it.
 * - system prompt: the preset's (rendered by lib/presets/prompt.ts), combined with the effective
 *   `systemPrompt` (the group's own, else `context.globalSystemPrompt`) as `context.globalPromptMode`
 *   says; then the user's memories while `memory.enabled` is on.
 * - history: the group's own `chat.contextLength`; else the tighter of the preset's `context.maxMessages`
 *   and the global `context.maxMessages` (both are limits).
 * - sampling: the request's, else the group's `chat.temperature` / `chat.maxTokens`, else the preset's.
 * - tools: the preset's rules narrowed by the group's own `tools` settings; `allowDangerous` set by the
 *   group takes the preset's place. The global `builtinTools` switches apply to every tool anyway.
 */
import type { ConfigService, Store } from '../../kernel/index.ts';
import { effectiveSettings, getPath } from '../group-settings/index.ts';
import { defaultPresetId, findPreset, getPreset, presetsCollection, renderPresetPrompt, type Preset } from '../presets/index.ts';
import { memoryPrompt } from './memories.ts';
import type { ToolRules } from './tools.ts';
import type { TurnRequest } from './types.ts';

export interface Sampling {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
}

export interface TurnSettings {
  presetId: string | null;
  systemPrompt: string;
  /** The model asked for, when a layer above the global one names it. */
  model?: string;
  /** The global model (effective `models.chat`), used when a channel serves it. */
  configuredModel?: string;
  sampling: Sampling;
  historyLimit: number;
  /** null: no tools are offered. */
  tools: ToolRules | null;
}

/** When no preset is stored at all (the presets module never ran). */
const FALLBACK_PROMPT = 'You are a helpful assistant.';

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : undefined);

/** The preset's prompt with the global (or group) prompt put where `context.globalPromptMode` says. */
function combinePrompt(prompt: string, extra: string | undefined, mode: string | undefined): string {
  if (!extra) return prompt;
  if (mode === 'override' || !prompt) return extra;
  return mode === 'prepend' ? `${extra}\n\n${prompt}` : `${prompt}\n\n${extra}`;
}

async function presetOf(store: Store, config: ConfigService, explicitId: string | undefined, effectiveId: string): Promise<Preset | undefined> {
  if (explicitId) return getPreset(store, explicitId);
  const presets = (await presetsCollection(store).read()).presets ?? [];
  return findPreset(presets, effectiveId) ?? findPreset(presets, defaultPresetId(config));
}

export async function turnSettings(store: Store, config: ConfigService, request: TurnRequest): Promise<TurnSettings> {
  const { settings, sources } = await effectiveSettings(store, config, request.groupId);
  const value = (path: string) => getPath(settings, path);
  /** The group's own value of an inherited key, else undefined. */
  const own = (path: string) => (sources[path] === 'group' ? value(path) : undefined);

  const preset = await presetOf(store, config, request.presetId, String(value('presetId')));
  const prompt = preset ? renderPresetPrompt(preset) : FALLBACK_PROMPT;
  // Used only when the group sets no length of its own, so it is the global one.
  const globalLimit = number(value('chat.contextLength')) ?? 20;
  const presetLimit = preset?.context?.maxMessages;

  const groupTools =
    own('tools.enabled') === false
      ? null
      : {
          allowedCategories: strings(own('tools.allowedCategories')),
          blockedTools: strings(own('tools.blockedTools')),
          groupAllowedTools: strings(own('tools.allowedTools')),
          allowDangerous: own('tools.allowDangerous') as boolean | undefined,
        };

  return {
    presetId: preset?.id ?? null,
    systemPrompt: preset?.disableSystemPrompt
      ? ''
      : [combinePrompt(prompt, text(value('systemPrompt')), config.get<string | undefined>('context.globalPromptMode')), await memoryPrompt(store, config, request.userId, request.groupId)]
          .filter(Boolean)
          .join('\n\n'),
    model: request.model ?? text(own('models.chat')) ?? (preset?.model || undefined),
    configuredModel: text(value('models.chat')),
    sampling: {
      temperature: request.temperature ?? number(value('chat.temperature')) ?? preset?.modelParams?.temperature,
      maxTokens: request.maxTokens ?? number(value('chat.maxTokens')) ?? preset?.modelParams?.max_tokens,
      topP: preset?.modelParams?.top_p,
    },
    historyLimit: number(own('chat.contextLength')) ?? (presetLimit ? Math.min(presetLimit, globalLimit) : globalLimit),
    tools:
      request.tools === false || !groupTools
        ? null
        : { ...preset?.tools, ...groupTools, allowDangerous: groupTools.allowDangerous ?? preset?.tools?.allowDangerous },
  };
}
