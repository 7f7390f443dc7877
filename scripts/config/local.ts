/**
 * The config CLI with no server running: the same config service the server uses, on the same
 * files, with the sections of the modules the server would load, so every write passes the same
 * validation and lands in the same history.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HttpError } from '../../kernel/errors.ts';
import { createEventBus } from '../../kernel/events.ts';
import { createLogger } from '../../kernel/log.ts';
import { createStore } from '../../kernel/store.ts';
import { checkConfig } from '../../kernel/config/check.ts';
import type { JsonObject } from '../../kernel/config/paths.ts';
import { declaredSections } from '../../kernel/config/sections.ts';
import { createConfigService, type KernelConfigService } from '../../kernel/config/service.ts';
import { parseYaml } from '../../kernel/config/yaml.ts';
import { CliError, type Change, type ConfigBackend } from './backend.ts';
import { moduleSections } from './sections.ts';

/** config.json as it is, or `{}` when there is none (or it is not JSON): read only, never created. */
async function readStored(dataDir: string): Promise<JsonObject> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')) as JsonObject;
  } catch {
    return {};
  }
}

/** Turns the service's HttpErrors into one-line CLI errors. */
async function guard<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HttpError) throw new CliError(`${err.message} (${err.code})`, err.details ?? []);
    throw err;
  }
}

export function openFiles(dataDir: string): ConfigBackend {
  const log = createLogger('config', 'warn');
  let service: Promise<KernelConfigService> | undefined;
  // Opened on first use: `validate` needs no files, and should not create any.
  const open = () =>
    (service ??= moduleSections().then((sections) =>
      createConfigService({ store: createStore(dataDir, log), events: createEventBus(log), log, watch: false, source: 'cli', sections }),
    ));
  const change = async (fn: (s: KernelConfigService) => Promise<string[]>): Promise<Change> => {
    const s = await open();
    const updated = await guard(() => fn(s));
    return { updated, version: s.version() };
  };

  return {
    mode: 'files',
    // Secret values masked, as the server answers them.
    get: async () => (await open()).masked(),
    set: (dotted, value) => change((s) => s.update({ [dotted]: value })),
    unset: (dotted) => change((s) => s.unset([dotted])),
    exportYaml: async () => (await open()).toYaml(),
    importText: (text) =>
      change(async (s) => {
        const document = s.parseYaml(text);
        return s.replace(document, 'import');
      }),
    validateText: (text) =>
      guard(async () => {
        const document = parseYaml(text);
        const result = checkConfig(document, declaredSections(await moduleSections()), await readStored(dataDir), 'unchanged');
        return result.ok ? [] : result.errors;
      }),
    history: async () => {
      const s = await open();
      return { current: s.version(), versions: await s.history() };
    },
    rollback: (version) => change((s) => s.rollback(version)),
    async close() {
      if (service) await (await service).close();
    },
  };
}
