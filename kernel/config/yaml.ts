/** YAML in and out for export/import: a parse error names its line and column. */
import { createRequire } from 'node:module';
import { HttpError } from '../errors.ts';
import { plainDataProblem } from '../plain-data.ts';

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
  let value: unknown;
  try {
    // The alias cap stops "billion laughs" documents from expanding without bound.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new HttpError(400, 'PARSE_ERROR', `YAML could not be read: ${(err as Error).message}`, { extra: { line: 1, column: 1 } });
  }
  // YAML can say more than JSON: an alias to itself (a cycle), tags such as !!binary or !!timestamp.
  const problem = plainDataProblem(value);
  if (problem) throw new HttpError(400, 'VALIDATION_ERROR', `The document is not plain configuration data: ${problem}`);
  return value;
}

export function toYaml(value: unknown): string {
  return loadYaml().stringify(value, { lineWidth: 0 });
}
