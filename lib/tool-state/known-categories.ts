/**
 * The category keys that existed when `builtinTools.enabledCategories` was last written by a tool
 * route. A category missing from that record is newer than the stored list and counts as enabled.
 * The collection also serializes tool state changes: the store runs the updates of one collection
 * one at a time, for every module, so a read-modify-write of `builtinTools` made inside
 * `knownCategories(store).update(...)` cannot lose a concurrent one from another route or module.
 */
import type { Store } from '../../kernel/index.ts';

export interface KnownCategories {
  known: string[];
}

export const knownCategories = (store: Store) => store.collection<KnownCategories>('tool-categories', { known: [] });

export async function readKnownCategories(store: Store): Promise<string[]> {
  const data = await knownCategories(store).read();
  return Array.isArray(data.known) ? data.known : [];
}
