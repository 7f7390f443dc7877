/**
 * Every accepted configuration: the one in force plus the 50 before it, one file per version
 * (`config-history/<n>.json`), so that recording a version never rewrites the others and a
 * script's change can be rolled back, also after a restart.
 */
import type { ConfigSource, ConfigVersionInfo, Store } from '../types.ts';
import type { JsonObject } from './paths.ts';

/** How many earlier versions are kept besides the current one. */
export const HISTORY_LIMIT = 50;
const FOLDER = 'config-history';

export interface ConfigVersion extends ConfigVersionInfo {
  config: JsonObject;
}

export interface ConfigHistory {
  /** Newest first; the first one is the configuration in force. */
  list(): Promise<ConfigVersion[]>;
  /** A kept version, or undefined. */
  find(version: number): Promise<ConfigVersion | undefined>;
  /** Stores a version numbered one past the newest and drops the oldest beyond the limit. */
  record(entry: Omit<ConfigVersion, 'version' | 'savedAt'>): Promise<ConfigVersion>;
}

export function openHistory(store: Store): ConfigHistory {
  // 0600 like config.json: both may hold settings such as the Redis password.
  const collection = (version: number) => store.collection<Partial<ConfigVersion>>(`${FOLDER}/${version}`, {}, { secret: true });
  const numbers = async () =>
    (await store.list(FOLDER))
      .filter((name) => /^[1-9][0-9]*$/.test(name))
      .map(Number)
      .sort((a, b) => b - a);

  const find = async (version: number) => {
    if (!(await numbers()).includes(version)) return undefined;
    const entry = await collection(version).read();
    return entry.version === version ? (entry as ConfigVersion) : undefined;
  };

  return {
    async list() {
      const entries = await Promise.all((await numbers()).map(find));
      return entries.filter((e): e is ConfigVersion => e !== undefined);
    },
    find,
    async record(entry) {
      const kept = await numbers();
      const version: ConfigVersion = { version: (kept[0] ?? 0) + 1, savedAt: new Date().toISOString(), ...entry };
      await collection(version.version).write(version);
      for (const old of kept.slice(HISTORY_LIMIT)) await store.remove(`${FOLDER}/${old}`);
      return version;
    },
  };
}
