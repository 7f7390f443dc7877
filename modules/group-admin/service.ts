/**
 * Per-group settings (stored through lib/group-settings) and the views a caller gets: masked keys,
 * percentages, master-only keys hidden from group admins, and the effective settings.
 */
import { HttpError, isMasked, maskKey as mask, type AuthUser, type ConfigService, type Store } from '../../kernel/index.ts';
import {
  DEFAULT_SETTINGS,
  MASTER_ONLY,
  PERCENT_KEYS,
  deepMerge,
  deletePath,
  getPath,
  groupCollection,
  groupIds,
  resolveSettings,
  setPath,
  type Settings,
} from '../../lib/group-settings/index.ts';
import { requireKeysForNewUrl } from './channel-keys.ts';
import { HELPER_KEYS } from './schemas.ts';

type Channel = { id: string; apiKey?: string; [key: string]: unknown };

export const isMaster = (user: AuthUser | undefined) => user?.role === 'master';

/** 403 naming the first master-only key a group admin tried to change. */
export function refuseMasterOnly(user: AuthUser | undefined, patch: Settings, where = 'body'): void {
  if (isMaster(user)) return;
  const key = MASTER_ONLY.find((k) => getPath(patch, k) !== undefined);
  if (key) {
    throw new HttpError(403, 'FORBIDDEN', `Only the master may change "${key}"`, { details: [{ path: `${where}.${key}`, message: 'is master-only' }] });
  }
}

export function createGroupService(store: Store, config: ConfigService) {
  const collection = (groupId: string) => groupCollection(store, groupId);

  const read = async (groupId: string) => (await collection(groupId).read()).settings;

  /** Applies `fn` to the group's stored settings and persists the result. */
  const change = (groupId: string, fn: (settings: Settings) => Settings) =>
    collection(groupId).update((record) => {
      record.settings = fn(record.settings);
      record.updatedAt = Date.now();
      return record.settings;
    });

  /** What a caller sees of a full settings object. */
  const present = (settings: Settings, user: AuthUser | undefined): Settings => {
    const view = structuredClone(settings);
    for (const k of PERCENT_KEYS) {
      const v = getPath(view, k);
      if (typeof v === 'number') setPath(view, k, Math.round(v * 10000) / 100);
    }
    const channel = view.independentChannel as Settings;
    channel.apiKey = mask(channel.apiKey as string);
    channel.channels = ((channel.channels as Channel[]) ?? []).map((c) => ({ ...c, apiKey: mask(c.apiKey ?? '') }));
    if (!isMaster(user)) for (const k of MASTER_ONLY) deletePath(view, k);
    return view;
  };

  /** Turns a PUT body into a patch of stored values: helper lists dropped, percentages to fractions, masked keys kept. */
  const toPatch = (body: Settings, stored: Settings): Settings => {
    const patch = structuredClone(body);
    for (const k of HELPER_KEYS) delete patch[k];
    for (const k of PERCENT_KEYS) {
      const v = getPath(patch, k);
      if (typeof v === 'number') setPath(patch, k, v / 100);
    }
    if (isMasked(getPath(patch, 'independentChannel.apiKey'))) deletePath(patch, 'independentChannel.apiKey');
    const channels = getPath(patch, 'independentChannel.channels') as Channel[] | undefined;
    if (channels) {
      const before = (getPath(stored, 'independentChannel.channels') as Channel[] | undefined) ?? [];
      for (const c of channels) {
        if (isMasked(c.apiKey)) c.apiKey = before.find((b) => b.id === c.id)?.apiKey ?? '';
      }
    }
    return patch;
  };

  return {
    /** Ids of every group with stored settings. */
    async list(): Promise<Array<{ groupId: string; groupName: string; enabled: boolean; updatedAt: number | null }>> {
      const ids = await groupIds(store);
      return Promise.all(ids.sort().map((id) => this.summary(id)));
    },

    async summary(groupId: string) {
      const record = await collection(groupId).read();
      const s = deepMerge(DEFAULT_SETTINGS, record.settings);
      return { groupId, groupName: s.groupName as string, enabled: s.enabled as boolean, updatedAt: record.updatedAt };
    },

    read,

    /** The whole settings page of a group, as `user` may see it. */
    async view(groupId: string, user: AuthUser | undefined): Promise<Settings> {
      return { groupId, ...present(deepMerge(DEFAULT_SETTINGS, await read(groupId)), user) };
    },

    /** Deep-merges a partial settings object (as sent by a client) into the stored one. */
    async patch(groupId: string, body: Settings, user: AuthUser | undefined): Promise<Settings> {
      refuseMasterOnly(user, body);
      await change(groupId, (stored) => {
        const next = deepMerge(stored, toPatch(body, stored));
        requireKeysForNewUrl(stored.independentChannel as Settings | undefined, next.independentChannel as Settings | undefined, body.independentChannel as Settings | undefined, 'body.independentChannel');
        return next;
      });
      return this.view(groupId, user);
    },

    /** Applies a patch of stored values directly (for the narrow per-resource routes). */
    change,

    /** Back to defaults; a group admin's reset keeps what only the master may set. */
    async reset(groupId: string, user: AuthUser | undefined): Promise<Settings> {
      await change(groupId, (stored) => {
        const kept: Settings = {};
        if (!isMaster(user)) for (const k of MASTER_ONLY) if (getPath(stored, k) !== undefined) setPath(kept, k, getPath(stored, k));
        return kept;
      });
      return this.view(groupId, user);
    },

    /** Every setting resolved group → global config → default, with where each inherited value came from. */
    async effective(groupId: string, user: AuthUser | undefined) {
      const { settings, sources } = resolveSettings(await read(groupId), config);
      return { groupId, settings: present(settings, user), sources };
    },
  };
}

export type GroupService = ReturnType<typeof createGroupService>;
