/**
 * The configuration service behind `ctx.config`.
 * PLACEHOLDER by the kernel author: the config work (issue 3) replaces the internals
 * (schema validation, defaults, history, live disk edits) keeping `createConfigService`'s signature.
 */
import type { ConfigService, EventBus, Logger, Store } from '../types.ts';

export interface ConfigServiceDeps {
  store: Store;
  events: EventBus;
  log: Logger;
}

export interface KernelConfigService extends ConfigService {
  /** Stops watching the file. */
  close(): Promise<void>;
}

export async function createConfigService(deps: ConfigServiceDeps): Promise<KernelConfigService> {
  const collection = deps.store.collection<Record<string, unknown>>('config', {});
  let current = structuredClone(await collection.read());
  const listeners = new Set<(paths: string[]) => void>();
  return {
    get<T>(path?: string): T {
      if (!path) return current as T;
      let value: unknown = current;
      for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
      return value as T;
    },
    async update(partial) {
      const paths = Object.keys(partial);
      current = { ...current, ...partial };
      await collection.write(current);
      for (const l of listeners) l(paths);
      deps.events.publish('config-changed', { paths });
      return paths;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {},
  };
}
