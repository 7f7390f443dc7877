/**
 * The configuration sections the server would declare, without running it: each module enabled in
 * plugins.json keeps its sections in `config.ts` (the default export), which its `index.ts` imports
 * as well. A module that declares its sections elsewhere is not seen here: its sections are kept as
 * they are stored, as those of a module that is not loaded.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileSections } from '../../kernel/config/sections.ts';
import { readSettings } from '../../kernel/env.ts';
import { discover, readPlugins } from '../../kernel/modules/discover.ts';
import type { ConfigSections } from '../../kernel/types.ts';
import { CliError } from './backend.ts';

const FILES = ['config.ts', 'config.js', 'config.mjs'];

/** The enabled modules' sections, by module name; a `config.ts` that declares nothing valid is a CliError naming it. */
export async function moduleSections(): Promise<Record<string, ConfigSections>> {
  const { modulesDir, pluginsFile } = readSettings();
  const { sources } = await discover(modulesDir, pluginsFile, await readPlugins(pluginsFile));
  const found: Record<string, ConfigSections> = {};
  for (const source of sources.filter((s) => s.enabled)) {
    const file = FILES.map((name) => path.join(source.dir, name)).find((f) => existsSync(f));
    if (!file) continue;
    const sections = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
    try {
      compileSections(source.name, sections);
    } catch (err) {
      throw new CliError(`${path.relative(process.cwd(), file) || file}: ${(err as Error).message}`);
    }
    found[source.name] = sections as ConfigSections;
  }
  return found;
}
