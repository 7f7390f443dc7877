/** YAML in and out for export/import: a parse error names its line and column. */
import YAML from 'yaml';
import { HttpError } from '../errors.ts';

/** Parses YAML (JSON is YAML too); throws 400 PARSE_ERROR with `line` and `column` (1-based). */
export function parseYaml(text: string): unknown {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
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
  return YAML.stringify(value, { lineWidth: 0 });
}
