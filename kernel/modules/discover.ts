/**
 * Finds the modules to serve: every folder under MODULES_DIR with an `index.{ts,js,mjs}`, plus the
 * `plugins.json` entries that name a `path`. plugins.json can disable a module or give it options.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { byName } from './by-name.ts';

export interface ModuleSource {
  name: string;
  dir: string;
  entry: string;
  enabled: boolean;
  options: Record<string, unknown>;
}

export interface PluginSetting {
  enabled?: boolean;
  options?: Record<string, unknown>;
  path?: string;
}

const ENTRIES = ['index.ts', 'index.js', 'index.mjs'];
const NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/** The entry file of a module folder, or undefined when it has none. */
export function entryOf(dir: string): string | undefined {
  for (const file of ENTRIES) {
    const full = path.join(dir, file);
    if (existsSync(full)) return full;
  }
  return undefined;
}

/** Reads plugins.json; throws an error that names the file and the bad entry. A missing file means `{}`. */
export async function readPlugins(file: string): Promise<Record<string, PluginSetting>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = text.trim() ? JSON.parse(text) : {};
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${file} must hold an object of module settings`);
  for (const [name, setting] of Object.entries(parsed as Record<string, unknown>)) {
    // The name becomes the module's prefix (/api/<name>) and a key of the module table.
    if (!NAME.test(name)) throw new Error(`${file}: "${name}" is not a module name (letters, digits, "_" and "-", not first)`);
    const s = setting as PluginSetting;
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new Error(`${file}: "${name}" must be an object`);
    if (s.enabled !== undefined && typeof s.enabled !== 'boolean') throw new Error(`${file}: "${name}.enabled" must be true or false`);
    if (s.options !== undefined && (typeof s.options !== 'object' || s.options === null || Array.isArray(s.options))) {
      throw new Error(`${file}: "${name}.options" must be an object`);
    }
    if (s.path !== undefined && typeof s.path !== 'string') throw new Error(`${file}: "${name}.path" must be a string`);
  }
  return parsed as Record<string, PluginSetting>;
}

/**
 * Lists every module source, and says why a folder or a plugins.json `path` that looks meant as a
 * module was skipped (a name that cannot be one, no entry file). Dot-folders are left alone.
 */
export async function discover(
  modulesDir: string,
  pluginsFile: string,
  plugins: Record<string, PluginSetting>,
): Promise<{ sources: ModuleSource[]; skipped: string[] }> {
  const found = new Map<string, ModuleSource>();
  const skipped: string[] = [];
  const noEntry = `has no ${ENTRIES.join(', ')}`;
  let folders: string[] = [];
  try {
    folders = (await readdir(modulesDir, { withFileTypes: true })).filter((d) => (d.isDirectory() || d.isSymbolicLink()) && !d.name.startsWith('.')).map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const name of folders) {
    const dir = path.join(modulesDir, name);
    if (!NAME.test(name)) {
      skipped.push(`${dir}: "${name}" is not a module name (letters, digits, "_" and "-"); not loaded`);
      continue;
    }
    const entry = entryOf(dir);
    if (entry) found.set(name, { name, dir, entry, enabled: true, options: {} });
    else skipped.push(`${dir} ${noEntry}; not loaded`);
  }
  for (const [name, setting] of Object.entries(plugins)) {
    if (setting.path) {
      const dir = path.resolve(path.dirname(pluginsFile), setting.path);
      const entry = entryOf(dir);
      if (entry) found.set(name, { name, dir, entry, enabled: true, options: {} });
      else skipped.push(`${pluginsFile}: "${name}.path" is ${dir}, which ${noEntry}; not loaded`);
    }
    const source = found.get(name);
    if (source) {
      source.enabled = setting.enabled !== false;
      source.options = setting.options ?? {};
    }
  }
  return { sources: [...found.values()].sort(byName), skipped };
}
