/**
 * Where presets are stored and the one way to find one, used by the presets module (its routes)
 * and by chat (the preset a turn runs with), so that both name the same preset for the same id.
 */
import { notFound, type ConfigService, type Store } from '../../kernel/index.ts';
import type { Preset, PresetsFile } from './types.ts';

/**
 * The collection `presets` (`{presets: Preset[]}`): built-ins first (`isBuiltin`, ids `builtin_*`,
 * rewritten by the presets module at every start), then user presets.
 */
export const presetsCollection = (store: Store) => store.collection<PresetsFile>('presets', { presets: [] });

/** The default preset's id: config `presets.defaultId`, else `llm.defaultChatPresetId`, else "default" (docs/api.md#presets). */
export function defaultPresetId(config: Pick<ConfigService, 'get'>): string {
  return config.get<string | undefined>('presets.defaultId') || config.get<string | undefined>('llm.defaultChatPresetId') || 'default';
}

/** By id, then by name, a user preset's name before a built-in's (docs/api.md#presets). */
export function findPreset(presets: Preset[], idOrName: string): Preset | undefined {
  const byName = presets.filter((p) => p.name === idOrName).sort((a, b) => Number(a.isBuiltin === true) - Number(b.isBuiltin === true));
  return presets.find((p) => p.id === idOrName) ?? byName[0];
}

export const presetNotFound = (id: string) => notFound('PRESET_NOT_FOUND', `No preset "${id}"`);

/** The stored preset `idOrName`; 404 PRESET_NOT_FOUND when there is none. */
export async function getPreset(store: Store, idOrName: string): Promise<Preset> {
  const preset = findPreset((await presetsCollection(store).read()).presets ?? [], idOrName);
  if (!preset) throw presetNotFound(idOrName);
  return preset;
}
