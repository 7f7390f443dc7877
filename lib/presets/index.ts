/** Presets as stored, and the one lookup shared by the presets module and chat. */
export type * from './types.ts';
export { defaultPresetId, findPreset, getPreset, presetNotFound, presetsCollection } from './lookup.ts';
