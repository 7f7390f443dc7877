/** Bench fixture modules live in test/fixtures/bench/<name>/index.js; a bench writes them into a temp MODULES_DIR. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../../../test/support/server.ts';

/** The fixture's entry text with each `__KEY__` replaced by `values[KEY]`. */
export async function fixtureText(name: string, values: Record<string, string> = {}): Promise<string> {
  const text = await readFile(path.join(ROOT, 'test/fixtures/bench', name, 'index.js'), 'utf8');
  return text.replace(/__([A-Z]+)__/g, (whole, key: string) => values[key] ?? whole);
}
