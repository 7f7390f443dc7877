import { expect } from 'chai';
import { defaultPresetId, findPreset, type Preset } from '../../../lib/presets/index.ts';

const preset = (id: string, name: string, builtin = false) => ({ id, name, ...(builtin ? { isBuiltin: true } : {}) }) as Preset;

describe('lib/presets', () => {
  describe('findPreset', () => {
    // Built-ins come first in the file, as the presets module writes it.
    const presets = [preset('builtin_coder', 'Coder', true), preset('builtin_tutor', 'Tutor', true), preset('my-coder', 'Coder'), preset('Tutor', 'Mine')];

    it('finds by id before by name', () => {
      expect(findPreset(presets, 'Tutor')?.id).to.equal('Tutor');
      expect(findPreset(presets, 'builtin_coder')?.id).to.equal('builtin_coder');
    });

    it('by name, takes a user preset before a built-in of the same name', () => {
      expect(findPreset(presets, 'Coder')?.id).to.equal('my-coder');
    });

    it('finds nothing for an unknown id or name', () => {
      expect(findPreset(presets, 'nope')).to.equal(undefined);
    });
  });

  describe('defaultPresetId', () => {
    const config = (values: Record<string, string>) => ({ get: <T>(path?: string) => values[path ?? ''] as T });

    it('is presets.defaultId, else llm.defaultChatPresetId, else "default"', () => {
      expect(defaultPresetId(config({ 'presets.defaultId': 'a', 'llm.defaultChatPresetId': 'b' }))).to.equal('a');
      expect(defaultPresetId(config({ 'presets.defaultId': '', 'llm.defaultChatPresetId': 'b' }))).to.equal('b');
      expect(defaultPresetId(config({}))).to.equal('default');
    });
  });
});
