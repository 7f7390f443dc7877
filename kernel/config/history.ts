/**
 * Every accepted configuration, newest first: the one in force plus the 50 before it, kept in
 * `config-history.json` so that a script's change can be rolled back, also after a restart.
 */
import type { Store } from '../types.ts';
import type { JsonObject } from './paths.ts';

/** How many earlier versions are kept besides the current one. */
export const HISTORY_LIMIT = 50;

/** What made a version: the first start, an API write, an edit of the file, an import, a rollback, the offline CLI. */
export type ConfigSource = 'initial' | 'api' | 'file' | 'import' | 'rollback' | 'cli';

export interface ConfigVersion {
  version: number;
  savedAt: string;
  source: ConfigSource;
  /** The dotted paths that changed from the version before. */
  paths: string[];
  config: JsonObject;
}

export interface ConfigHistory {
  /** Newest first; the first one is the configuration in force. */
  list(): Promise<ConfigVersion[]>;
  /** Appends a version numbered one past the newest, dropping the oldest beyond the limit. */
  record(entry: Omit<ConfigVersion, 'version' | 'savedAt'>): Promise<ConfigVersion>;
}

export function openHistory(store: Store): ConfigHistory {
  // 0600 like config.json: both may hold settings such as the Redis password.
  const collection = store.collection<{ versions: ConfigVersion[] }>('config-history', { versions: [] }, { secret: true });
  return {
    async list() {
      const { versions } = await collection.read();
      return Array.isArray(versions) ? versions : [];
    },
    record(entry) {
      return collection.update((data) => {
        const versions = Array.isArray(data.versions) ? data.versions : [];
        const version: ConfigVersion = { version: (versions[0]?.version ?? 0) + 1, savedAt: new Date().toISOString(), ...entry };
        data.versions = [version, ...versions].slice(0, HISTORY_LIMIT + 1);
        return version;
      });
    },
  };
}
