/** YAML in and out for export/import: a parse error names its line and column. */
import { createRequire } from 'node:module';
import { HttpError } from '../errors.ts';

// The yaml package (80-odd files) is needed only for export and import: loaded at first use.
const loadYaml = () => createRequire(import.meta.url)('yaml') as typeof import('yaml');

/** Parses YAML (JSON is YAML too); throws 400 PARSE_ERROR with `line` and `column` (1-based). */
export function parseYaml(text: string): unknown {
  const doc = loadYaml().parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const { line, col: column } = error.linePos?.[0] ?? { line: 1, col: 1 };
    const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new HttpError(400, 'PARSE_ERROR', `YAML parse error at line ${line}, column ${column}: ${reason}`, { extra: { line, column } });
  }
  try {
    // The alias cap stops "billion laughs" documents from expanding without bound.
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new HttpError(400, 'PARSE_ERROR', `YAML could not be read: ${(err as Error).message}`, { extra: { line: 1, column: 1 } });
  }
}

export function toYaml(value: unknown): string {
  return loadYaml().stringify(value, { lineWidth: 0 });
}
