/** Presets as YAML: what export writes and import reads. */
import { createRequire } from 'node:module';
import { HttpError, readYaml, YamlError } from '../../kernel/index.ts';
import type { Preset } from './preset.ts';

// The yaml package (80-odd files) is needed only for export and import: loaded at first use.
const loadYaml = () => createRequire(import.meta.url)('yaml') as typeof import('yaml');

/** One preset as a YAML document, or several under `presets:`. */
export function presetsToYaml(presets: Preset | Preset[]): string {
  return loadYaml().stringify(Array.isArray(presets) ? { presets } : presets);
}

/**
 * The items of an import: a YAML document holding one preset, a list of presets, or
 * `presets: [...]`. Bad YAML is 400 PARSE_ERROR; a document of another shape is 400 VALIDATION_ERROR.
 */
export function parsePresetsYaml(text: string): unknown[] {
  let document: unknown;
  try {
    document = readYaml(text);
  } catch (err) {
    if (!(err instanceof YamlError)) throw err;
    if (err.kind === 'data') throw new HttpError(400, 'VALIDATION_ERROR', `The YAML is not plain preset data: ${err.message}`);
    const where = err.place ? ` (line ${err.place.line}, column ${err.place.column})` : '';
    throw new HttpError(400, 'PARSE_ERROR', `The body is not valid YAML${where}: ${err.message}`);
  }
  if (Array.isArray(document)) return document;
  if (document && typeof document === 'object') {
    const { presets } = document as { presets?: unknown };
    if (presets === undefined) return [document];
    if (Array.isArray(presets)) return presets;
  }
  throw new HttpError(400, 'VALIDATION_ERROR', 'The YAML must hold a preset, a list of presets, or "presets: [...]"', {
    details: [{ path: 'yaml', message: 'must be a preset, a list or an object with a "presets" list' }],
  });
}
