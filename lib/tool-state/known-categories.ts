/**
 * The category keys that existed when `builtinTools.enabledCategories` was last written by a tool
 * route. A category missing from that record is newer than the stored list and counts as enabled.
 */
import type { Store } from '../../kernel/index.ts';

const collection = (store: Store) => store.collection<{ known: string[] }>('tool-categories', { known: [] });

export async function readKnownCategories(store: Store): Promise<string[]> {
  const data = await collection(store).read();
  return Array.isArray(data.known) ? data.known : [];
}

export async function writeKnownCategories(store: Store, keys: string[]): Promise<void> {
  await collection(store).write({ known: [...new Set(keys)].sort() });
}
