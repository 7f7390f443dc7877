/**
 * The configuration service behind `ctx.config`: the schemas of the sections declared (the kernel's
 * own, each loaded module's) check every write and fill the defaults, `DATA_DIR/config.json` holds it
 * (through the store), every accepted change is a numbered version in the history, and edits of the
 * file by people or scripts are picked up while running. A section no loaded module declares is kept
 * as it is stored: not checked, not given defaults, not changed (check.ts says how each write treats it).
 *
 * The file holds the whole configuration once the server has written it, so that a person editing
 * it sees every key (a module's sections from the first change after the module declared them).
 * An edit is compared with what the server last wrote or accepted, by content: the server's own
 * writes therefore never count as edits, and a reload never writes, so no loop.
 */
import { HttpError } from '../errors.ts';
import type { ConfigAdmin, ConfigSections, ConfigSource, EventBus, Logger, Store, ValidationDetail } from '../types.ts';
import { NOT_LOADED, checkConfig, type Undeclared } from './check.ts';
import { openHistory } from './history.ts';
import { keepMaskedSecrets, maskSecrets } from './masked.ts';
import { FORBIDDEN_MESSAGE, changedPaths, deepFreeze, deepMerge, expandDotted, findForbiddenKey, getAt, isPlainObject, pathProblem, unsetAt, type Json, type JsonObject } from './paths.ts';
import { checkSection, compileSections, declaredSections, describe } from './sections.ts';
import { watchFile, type FileWatch } from './watch.ts';
import { parseYaml, toYaml } from './yaml.ts';

export interface ConfigServiceDeps {
  store: Store;
  events: EventBus;
  log: Logger;
  /** Watch config.json for edits by other processes (default true; the offline CLI turns it off). */
  watch?: boolean;
  /** Recorded in the history for writes through `update`/`replace`/`unset` (default `api`). */
  source?: ConfigSource;
  /** Sections declared from the start besides the kernel's, by owner (the offline CLI: the enabled modules' `config.ts`). */
  sections?: Record<string, ConfigSections>;
}

/** A module's declaration of its sections, in force until released. */
export interface SectionDeclaration {
  release(): Promise<void>;
}

export interface KernelConfigService extends ConfigAdmin {
  /** The file the configuration lives in. */
  readonly file: string;
  /** Deep-merges a partial object (keys may be dotted paths); resolves with the changed paths. */
  update(partial: Record<string, unknown>, source?: ConfigSource): Promise<string[]>;
  /**
   * Declares a module's sections, as a version of it is built: the values stored are checked
   * against them first, and a value that does not fit refuses the declaration (an Error naming the
   * paths) and changes nothing — the configuration is never rewritten to fit a schema. Released when
   * that version goes; a declaration of the module's that is still held (a version still draining)
   * is then in force again, and a section nobody declares any more is kept as it is.
   */
  declare(owner: string, sections: ConfigSections): Promise<SectionDeclaration>;
  /** Stops watching the file. */
  close(): Promise<void>;
}

const invalid = (errors: ValidationDetail[]) => new HttpError(400, 'VALIDATION_ERROR', 'Invalid configuration', { details: errors });

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
  const sections = declaredSections(deps.sections);
  const check = (candidate: unknown, stored: JsonObject, undeclared: Undeclared) => checkConfig(candidate, sections, stored, undeclared);

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
  const commit = async (candidate: unknown, source: ConfigSource, undeclared: Undeclared = 'unchanged'): Promise<string[]> => {
    const unmasked = keepMaskedSecrets(candidate, current, sections.schema());
    if (unmasked.errors.length) throw invalid(unmasked.errors);
    const result = check(unmasked.value, current, undeclared);
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
    // The file is where the sections of modules not loaded live: an edit of them is taken as it is.
    const result = check(data, current, 'as-is');
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
  const checked = check(onDisk, {}, 'as-is');
  if (checked.ok) {
    current = deepFreeze(checked.value);
  } else {
    // The declared sections of an older version, the others as the file has them.
    const fallback = [...versions.map((v) => v.config), {}].map((config) => check(config, onDisk, 'stored')).find((r) => r.ok);
    if (!fallback?.ok) throw new Error('the configuration schema rejects its own defaults');
    current = deepFreeze(fallback.value);
    log.error(
      `config: ${file} is invalid (${describe(checked.errors)}); running with the last valid configuration. ` +
        'The file is left as it is until the next accepted change.',
    );
  }
  if (checked.ok && !Object.keys(onDisk).length) {
    // First start: give the owner a file with every section declared so far to edit.
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

  /** Re-checks sections whose declaration in force changed: defaults filled; a value the schema refuses is kept as it is (logged). */
  const refit = (names: string[]) => {
    const next = { ...current };
    for (const name of names) {
      const section = sections.get(name);
      const result = section && checkSection(section, next[name]);
      if (result?.ok && result.value !== undefined) next[name] = result.value as Json;
      else if (result && !result.ok) log.warn(`config: the section "${name}" does not fit the schema in force again (${describe(result.errors)}); kept as it is`);
    }
    current = deepFreeze(next);
  };

  const declare = async (owner: string, declared: ConfigSections): Promise<SectionDeclaration> => {
    const compiled = compileSections(owner, declared);
    const errors = compiled.flatMap((section) => {
      const result = checkSection(section, current[section.name]);
      return result.ok ? [] : result.errors;
    });
    if (errors.length) {
      throw new Error(`the stored configuration does not fit its schema: ${describe(errors)}. The stored value is kept as it is: correct it (in ${file}) or the schema, then reload the module`);
    }
    sections.add(compiled);
    refit(compiled.map((s) => s.name));
    return { release: () => serial(async () => refit(sections.remove(compiled))) };
  };

  const undeclared = (paths: string[]): ValidationDetail[] =>
    paths.flatMap((path) => {
      const section = path.split('.')[0];
      return !sections.get(section) && Object.hasOwn(current, section) ? [{ path, message: NOT_LOADED }] : [];
    });

  const service: KernelConfigService = {
    file,
    get schema() {
      return sections.schema();
    },
    get sections() {
      return sections.inForce().map((s) => s.name);
    },
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
        if (!sections.get(section)) {
          const message = Object.hasOwn(current, section) ? `The configuration section "${section}" ${NOT_LOADED}` : `No configuration section "${section}"`;
          throw new HttpError(404, 'SECTION_NOT_FOUND', message);
        }
        return commit({ ...current, [section]: value }, defaultSource);
      });
    },
    unset(paths) {
      return serial(async () => {
        assertPaths(paths);
        const refused = undeclared(paths);
        if (refused.length) throw invalid(refused);
        const next = structuredClone(current);
        for (const path of paths) unsetAt(next, path);
        return commit(next, defaultSource);
      });
    },
    validate(candidate) {
      const result = check(candidate, current, 'unchanged');
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
        // Sections no loaded module declares stay as they are: there is no schema to check the old value.
        return commit(structuredClone(entry.config), 'rollback', 'stored');
      });
    },
    masked: (config = current) => maskSecrets(config as JsonObject, sections.schema()),
    toYaml: () => toYaml(maskSecrets(current, sections.schema())),
    parseYaml,
    declare: (owner, declared) => serial(() => declare(owner, declared)),
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
