/** Presets as stored, the one lookup and the one prompt renderer shared by the presets module and chat. */
export type * from './types.ts';
export { defaultPresetId, findPreset, getPreset, presetNotFound, presetsCollection } from './lookup.ts';
export { renderPresetPrompt } from './prompt.ts';
