/** YAML in and out for export/import: a parse error names its line and column. */
import { createRequire } from 'node:module';
import { HttpError } from '../errors.ts';
import { readYaml, YamlError } from '../yaml.ts';

// The yaml package (80-odd files) is needed only for export and import: loaded at first use.
const loadYaml = () => createRequire(import.meta.url)('yaml') as typeof import('yaml');

/**
 * Parses a configuration document (JSON is YAML too): 400 PARSE_ERROR with `line` and `column`
 * (1-based) for bad YAML, 400 VALIDATION_ERROR for data that is not plain JSON data.
 */
export function parseYaml(text: string): unknown {
  try {
    return readYaml(text);
  } catch (err) {
    if (!(err instanceof YamlError)) throw err;
    if (err.kind === 'data') throw new HttpError(400, 'VALIDATION_ERROR', `The document is not plain configuration data: ${err.message}`);
    const { line, column } = err.place ?? { line: 1, column: 1 };
    const where = err.place ? `YAML parse error at line ${line}, column ${column}` : 'YAML could not be read';
    throw new HttpError(400, 'PARSE_ERROR', `${where}: ${err.message}`, { extra: { line, column } });
  }
}

export function toYaml(value: unknown): string {
  return loadYaml().stringify(value, { lineWidth: 0 });
}
