/**
 * The configuration service behind `ctx.config`: one JSON Schema checks every write and fills the
 * defaults, `DATA_DIR/config.json` holds it (through the store), every accepted change is a numbered
 * version in the history, and edits of the file by people or scripts are picked up while running.
 *
 * The file holds the whole configuration once the server has written it, so that a person editing
 * it sees every key. An edit is compared with what the server last wrote or accepted, by content:
 * the server's own writes therefore never count as edits, and a reload never writes, so no loop.
 */
import { HttpError } from '../errors.ts';
import type { ConfigService, EventBus, JSONSchema, Logger, Store } from '../types.ts';
import type { Detail } from '../validate.ts';
import { checkConfig, defaultConfig } from './check.ts';
import { openHistory, type ConfigSource, type ConfigVersion } from './history.ts';
import { keepMaskedSecrets, maskSecrets } from './masked.ts';
import { FORBIDDEN_MESSAGE, changedPaths, deepFreeze, deepMerge, expandDotted, findForbiddenKey, getAt, isPlainObject, pathProblem, unsetAt, type JsonObject } from './paths.ts';
import { CONFIG_SCHEMA, SECTIONS } from './schema.ts';
import { watchFile, type FileWatch } from './watch.ts';
import { parseYaml, toYaml } from './yaml.ts';

export type { ConfigSource, ConfigVersion };

export interface ConfigServiceDeps {
  store: Store;
  events: EventBus;
  log: Logger;
  /** Watch config.json for edits by other processes (default true; the offline CLI turns it off). */
  watch?: boolean;
  /** Recorded in the history for writes through `update`/`replace`/`unset` (default `api`). */
  source?: ConfigSource;
}

/** A version without its configuration, as the history lists it. */
export type ConfigVersionInfo = Omit<ConfigVersion, 'config'>;

export interface KernelConfigService extends ConfigService {
  /** The file the configuration lives in. */
  readonly file: string;
  /** The JSON Schema every write is checked against (with defaults). */
  readonly schema: JSONSchema;
  /** The top-level section names. */
  readonly sections: readonly string[];
  /** The number of the version in force. */
  version(): number;
  /** Deep-merges a partial object (keys may be dotted paths); resolves with the changed paths. */
  update(partial: Record<string, unknown>, source?: ConfigSource): Promise<string[]>;
  /** Replaces the whole configuration (missing keys take their defaults); resolves with the changed paths. */
  replace(config: unknown, source?: ConfigSource): Promise<string[]>;
  /** Replaces one section; 404 SECTION_NOT_FOUND for an unknown one. */
  replaceSection(section: string, value: unknown): Promise<string[]>;
  /** Removes the keys at these dotted paths (a key with a default takes it again). */
  unset(paths: string[]): Promise<string[]>;
  /** Checks a whole configuration without writing; `[]` when valid. */
  validate(candidate: unknown): Detail[];
  /** Re-reads config.json now; 400 INVALID_CONFIG (with details) when it is invalid, which changes nothing. */
  reload(): Promise<string[]>;
  /** The versions kept, newest (the one in force) first. */
  history(): Promise<ConfigVersionInfo[]>;
  /** The configuration of a kept version, or undefined. */
  at(version: number): Promise<JsonObject | undefined>;
  /** Makes a kept version's configuration current again (as a new version); 404 VERSION_NOT_FOUND. */
  rollback(version: number): Promise<string[]>;
  /** A copy of the configuration in force (or of `config`) with its secret values masked, to show. */
  masked(config?: JsonObject): JsonObject;
  /** The configuration as YAML text, secret values masked. */
  toYaml(): string;
  /** Parses YAML or JSON text; 400 PARSE_ERROR with line and column. */
  parseYaml(text: string): unknown;
  /** Stops watching the file. */
  close(): Promise<void>;
}

const invalid = (errors: Detail[]) => new HttpError(400, 'VALIDATION_ERROR', 'Invalid configuration', { details: errors });
const describe = (errors: Detail[]) => errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ');

/** Refuses dotted paths with an empty segment or a prototype key, naming each. */
function assertPaths(paths: string[]): void {
  const errors = paths.flatMap((path) => {
    const message = pathProblem(path);
    return message ? [{ path, message }] : [];
  });
  if (errors.length) throw invalid(errors);
}

export async function createConfigService(deps: ConfigServiceDeps): Promise<KernelConfigService> {
  const { store, events, log } = deps;
  const defaultSource = deps.source ?? 'api';
  const collection = store.collection<JsonObject>('config', {}, { secret: true });
  const file = collection.file;
  const history = openHistory(store);
  const listeners = new Set<(paths: string[]) => void>();

  let current: JsonObject;
  let version: number;
  /** config.json as the server last wrote or accepted it, serialized: anything else is an edit. */
  let lastDisk: string;
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs changes one at a time, so each one starts from the result of the one before. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const notify = (paths: string[], source: ConfigSource) => {
    for (const listener of [...listeners]) {
      try {
        listener(paths);
      } catch (err) {
        log.error(`config: a change listener failed: ${(err as Error)?.stack ?? err}`);
      }
    }
    events.publish('config-changed', { paths, version, source });
  };

  const accept = async (value: JsonObject, paths: string[], source: ConfigSource) => {
    current = deepFreeze(value);
    version = (await history.record({ source, paths, config: value })).version;
    notify(paths, source);
  };

  /** Validates `candidate` as the whole new configuration and, when it changes anything, writes it. */
  const commit = async (candidate: unknown, source: ConfigSource): Promise<string[]> => {
    const unmasked = keepMaskedSecrets(candidate, current, CONFIG_SCHEMA);
    if (unmasked.errors.length) throw invalid(unmasked.errors);
    const result = checkConfig(unmasked.value);
    if (!result.ok) throw invalid(result.errors);
    const paths = changedPaths(current, result.value);
    if (!paths.length) return [];
    await collection.write(result.value);
    lastDisk = JSON.stringify(await collection.read());
    await accept(result.value, paths, source);
    return paths;
  };

  const reloadFromDisk = async (): Promise<string[]> => {
    let data: unknown;
    try {
      data = await collection.reload();
    } catch (err) {
      const errors = [{ path: '', message: (err as Error).message }];
      log.error(`config: refused the edit of ${file}: not valid JSON; the last valid configuration stays in force`, { reason: (err as Error).message });
      throw new HttpError(400, 'INVALID_CONFIG', `${file} is not valid JSON`, { details: errors });
    }
    const text = JSON.stringify(data);
    if (text === lastDisk) return [];
    const result = checkConfig(data);
    if (!result.ok) {
      log.error(`config: refused the edit of ${file}: ${describe(result.errors)}; the last valid configuration stays in force`);
      throw new HttpError(400, 'INVALID_CONFIG', `${file} is not a valid configuration`, { details: result.errors });
    }
    lastDisk = text;
    const paths = changedPaths(current, result.value);
    if (paths.length) {
      await accept(result.value, paths, 'file');
      log.info(`config: applied the edit of ${file}`, { paths });
    }
    return paths;
  };

  // Start: the file if it is valid, else the newest valid version kept, else the defaults.
  const onDisk = await collection.read();
  lastDisk = JSON.stringify(onDisk);
  const versions = await history.list();
  version = versions[0]?.version ?? 0;
  const checked = checkConfig(onDisk);
  if (checked.ok) {
    current = deepFreeze(checked.value);
  } else {
    const fallback = versions.map((v) => checkConfig(v.config)).find((r) => r.ok);
    current = deepFreeze(fallback?.ok ? fallback.value : defaultConfig());
    log.error(
      `config: ${file} is invalid (${describe(checked.errors)}); running with the last valid configuration. ` +
        'The file is left as it is until the next accepted change.',
    );
  }
  if (checked.ok && !Object.keys(onDisk).length) {
    // First start: give the owner a complete file to edit.
    await collection.write(current);
    lastDisk = JSON.stringify(await collection.read());
  }
  const editedWhileStopped = checked.ok && versions.length ? changedPaths(versions[0].config, current) : [];
  if (!versions.length) version = (await history.record({ source: 'initial', paths: [], config: current })).version;
  else if (editedWhileStopped.length) version = (await history.record({ source: 'file', paths: editedWhileStopped, config: current })).version;

  let watcher: FileWatch | undefined;
  if (deps.watch !== false) {
    watcher = watchFile(file, () => void serial(reloadFromDisk).catch(() => undefined /* logged */), log);
  }

  const service: KernelConfigService = {
    file,
    schema: CONFIG_SCHEMA,
    sections: SECTIONS,
    // Frozen: a module that changed what it read would bypass validation, history and listeners.
    get<T>(path?: string): T {
      return (path ? getAt(current, path) : current) as T;
    },
    version: () => version,
    update(partial, source = defaultSource) {
      return serial(async () => {
        if (!isPlainObject(partial)) throw invalid([{ path: '', message: 'must be an object' }]);
        assertPaths(Object.keys(partial));
        const forbidden = findForbiddenKey(partial);
        if (forbidden) throw invalid([{ path: forbidden, message: FORBIDDEN_MESSAGE }]);
        const patch = expandDotted(partial as JsonObject);
        return commit(deepMerge(current, patch), source);
      });
    },
    replace(config, source = defaultSource) {
      return serial(() => commit(config, source));
    },
    replaceSection(section, value) {
      return serial(async () => {
        if (!SECTIONS.includes(section)) throw new HttpError(404, 'SECTION_NOT_FOUND', `No configuration section "${section}"`);
        return commit({ ...current, [section]: value }, defaultSource);
      });
    },
    unset(paths) {
      return serial(async () => {
        assertPaths(paths);
        const next = structuredClone(current);
        for (const path of paths) unsetAt(next, path);
        return commit(next, defaultSource);
      });
    },
    validate(candidate) {
      const result = checkConfig(candidate);
      return result.ok ? [] : result.errors;
    },
    reload: () => serial(reloadFromDisk),
    async history() {
      return (await history.list()).map(({ config: _config, ...info }) => info);
    },
    async at(wanted) {
      return (await history.find(wanted))?.config;
    },
    rollback(wanted) {
      return serial(async () => {
        const entry = await history.find(wanted);
        if (!entry) throw new HttpError(404, 'VERSION_NOT_FOUND', `No configuration version ${wanted} is kept`);
        return commit(structuredClone(entry.config), 'rollback');
      });
    },
    masked: (config = current) => maskSecrets(config, CONFIG_SCHEMA),
    toYaml: () => toYaml(maskSecrets(current, CONFIG_SCHEMA)),
    parseYaml,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      watcher?.close();
      await queue;
    },
  };
  return service;
}
