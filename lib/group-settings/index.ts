/**
 * Per-group settings, shared by the group-admin module (which edits them) and any module that acts
 * on a group (chat, triggers): where they are stored and how the effective value of each key is
 * resolved — group → global config → built-in default.
 */
import type { ConfigService, Store } from '../../kernel/index.ts';
import { DEFAULT_SETTINGS, INHERITED, deepMerge, getPath, isInherit, setPath, type Settings } from './settings.ts';

export * from './settings.ts';

/** Group ids: QQ group numbers or short slugs; no dots or slashes, so never a path trick. */
export const GROUP_ID_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$';

export interface GroupRecord {
  groupId: string;
  /** Only what was set for this group; everything else inherits or takes the default. */
  settings: Settings;
  updatedAt: number | null;
}

export type Source = 'group' | 'global' | 'default';

/** The collection of one group (0600: a group's own channel holds an API key). */
export const groupCollection = (store: Store, groupId: string) =>
  store.collection<GroupRecord>(`groups/${groupId}`, { groupId, settings: {}, updatedAt: null }, { secret: true });

/** Ids of every group with stored settings. */
export const groupIds = (store: Store) => store.list('groups');

/** Every setting of a group with inherited keys resolved, and where each inherited value came from. */
export function resolveSettings(stored: Settings, config: ConfigService): { settings: Settings; sources: Record<string, Source> } {
  const settings = deepMerge(DEFAULT_SETTINGS, stored);
  const sources: Record<string, Source> = {};
  for (const key of INHERITED) {
    if (!isInherit(getPath(stored, key.path))) {
      sources[key.path] = 'group';
      continue;
    }
    const globalPath = key.global.find((p) => !isInherit(config.get(p)));
    sources[key.path] = globalPath ? 'global' : 'default';
    setPath(settings, key.path, structuredClone(globalPath ? config.get(globalPath) : key.fallback));
  }
  return { settings, sources };
}

const GROUP_ID = new RegExp(GROUP_ID_PATTERN);

/**
 * The effective settings of a group, read from the store; without a group (a private chat), or for an
 * id no group can have, the global ones: every inherited key resolved global → default.
 */
export async function effectiveSettings(store: Store, config: ConfigService, groupId: string | undefined) {
  const stored = groupId && GROUP_ID.test(groupId) ? (await groupCollection(store, groupId).read()).settings : {};
  return resolveSettings(stored, config);
}
