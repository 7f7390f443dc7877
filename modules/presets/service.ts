/**
 * Presets over the store collection `presets`, whose shape and lookup live in lib/presets (chat
 * reads the same file through it):
 *
 *   - Built-ins come first, marked `isBuiltin: true, isReadonly: true`, ids `builtin_*`; they are
 *     rewritten from ./builtins.ts at every start. User presets follow (ids `[a-z0-9-]{3,50}` or UUIDs).
 *   - The default preset is not a field: it is `defaultPresetId(config)` (`isDefault` in answers is
 *     computed from it).
 */
import { randomUUID } from 'node:crypto';
import { HttpError } from '../../kernel/index.ts';
import type { ModuleContext } from '../../kernel/index.ts';
import { defaultPresetId, getPreset, presetNotFound as missing, presetsCollection } from '../../lib/presets/index.ts';
import { BUILTINS } from './builtins.ts';
import { applyInput, builtinPreset, defaultUserPreset, template, type Preset, type PresetInput } from './preset.ts';

/** A preset as answered: the stored object plus what is derived. */
export type PresetView = Preset & { isDefault: boolean; type: 'system' | 'user' };

export type PresetType = 'system' | 'user' | 'all';

export interface ImportResult {
  imported: string[];
  skipped: Array<{ id: string; reason: 'PRESET_EXISTS' | 'SYSTEM_PRESET' }>;
}

const readonly = (id: string) => new HttpError(409, 'SYSTEM_PRESET', `Preset "${id}" is built in and read-only; copy it to change it`);
const taken = (id: string) => new HttpError(409, 'PRESET_EXISTS', `A preset with id "${id}" already exists`);
const isBuiltinId = (id: string) => BUILTINS.some((b) => b.id === id);

function ofType(preset: Preset, type: PresetType): boolean {
  return type === 'all' || (type === 'system') === (preset.isBuiltin === true);
}

export function presetService(ctx: ModuleContext) {
  const collection = presetsCollection(ctx.store);

  const defaultId = (): string => defaultPresetId(ctx.config);

  const view = (preset: Preset): PresetView => ({ ...preset, isDefault: preset.id === defaultId(), type: preset.isBuiltin ? 'system' : 'user' });

  const all = async (): Promise<Preset[]> => (await collection.read()).presets;

  const find = (idOrName: string): Promise<Preset> => getPreset(ctx.store, idOrName);

  /** Runs `change` on the user preset `id` inside one serialized write. */
  const changeUserPreset = <R>(id: string, change: (presets: Preset[], index: number) => R): Promise<R> =>
    collection.update((data) => {
      const index = data.presets.findIndex((p) => p.id === id);
      if (index < 0) throw missing(id);
      if (data.presets[index].isBuiltin) throw readonly(id);
      return change(data.presets, index);
    });

  const setDefault = async (id: string): Promise<PresetView> => {
    const preset = (await all()).find((p) => p.id === id);
    if (!preset) throw missing(id);
    await ctx.config.update({ presets: { defaultId: id }, llm: { defaultChatPresetId: id } });
    return view(preset);
  };

  /** A new user preset from `source` (id or name), with `input` applied on top. */
  const copy = async (source: string, input: PresetInput): Promise<PresetView> => {
    const from = await find(source);
    const now = Date.now();
    const preset = await collection.update((data) => {
      const id = input.id ?? randomUUID();
      if (data.presets.some((p) => p.id === id)) throw taken(id);
      const { isBuiltin: _b, isReadonly: _r, ...base } = structuredClone(from);
      const origin = { id, name: `${from.name} (copy)`, createdAt: now, createdFrom: from.id, sourceBuiltinId: from.isBuiltin ? from.id : from.sourceBuiltinId };
      const created = applyInput({ ...base, ...origin }, input, now);
      data.presets.push(created);
      return created;
    });
    return input.isDefault ? setDefault(preset.id) : view(preset);
  };

  return {
    defaultId,
    setDefault,

    /** Writes the built-ins as they are in the code and makes sure one user preset exists. */
    async seed(): Promise<void> {
      const stored = await collection.read();
      if (!Array.isArray(stored.presets)) throw new Error(`${collection.file} has no "presets" array; fix or remove the file`);
      const users = stored.presets.filter((p) => !p.isBuiltin);
      const presets = [...BUILTINS.map(builtinPreset), ...(users.length ? users : [defaultUserPreset(Date.now())])];
      if (JSON.stringify(presets) !== JSON.stringify(stored.presets)) await collection.write({ presets });
    },

    async list(query: { type: PresetType; search?: string; category?: string }): Promise<PresetView[]> {
      const needle = query.search?.toLowerCase();
      return (await all())
        .filter((p) => ofType(p, query.type))
        .filter((p) => query.category === undefined || p.category === query.category)
        .filter((p) => !needle || [p.id, p.name, p.description, p.category].some((f) => f?.toLowerCase().includes(needle)))
        .map(view);
    },

    /** The stored preset (without derived fields), by id or name. */
    find,

    async get(idOrName: string): Promise<PresetView> {
      return view(await find(idOrName));
    },

    /** Stored presets of a type, as they are (for export). */
    async stored(type: PresetType): Promise<Preset[]> {
      return (await all()).filter((p) => ofType(p, type));
    },

    async create(input: PresetInput): Promise<PresetView> {
      const now = Date.now();
      const preset = await collection.update((data) => {
        const id = input.id ?? randomUUID();
        if (data.presets.some((p) => p.id === id)) throw taken(id);
        const created = applyInput(template(id, now), input, now);
        data.presets.push(created);
        return created;
      });
      return input.isDefault ? setDefault(preset.id) : view(preset);
    },

    async update(id: string, input: PresetInput): Promise<PresetView> {
      // `applyInput` never takes the id from the input: a preset keeps its id.
      const preset = await changeUserPreset(id, (presets, index) => (presets[index] = applyInput(presets[index], input, Date.now())));
      return input.isDefault ? setDefault(id) : view(preset);
    },

    async remove(id: string): Promise<void> {
      await changeUserPreset(id, (presets, index) => {
        if (id === defaultId()) throw new HttpError(409, 'CONFLICT', `Preset "${id}" is the default; make another preset the default first`);
        presets.splice(index, 1);
      });
    },

    copy,

    /** Adds validated items (their `isDefault` is ignored); an existing id is replaced only with `overwrite`, a built-in never. */
    async import(items: PresetInput[], overwrite: boolean): Promise<ImportResult> {
      const now = Date.now();
      return collection.update((data) => {
        const result: ImportResult = { imported: [], skipped: [] };
        for (const item of items) {
          const id = item.id ?? randomUUID();
          const index = data.presets.findIndex((p) => p.id === id);
          if (index >= 0 && (data.presets[index].isBuiltin || !overwrite)) {
            result.skipped.push({ id, reason: data.presets[index].isBuiltin ? 'SYSTEM_PRESET' : 'PRESET_EXISTS' });
            continue;
          }
          const created = applyInput(template(id, index >= 0 ? data.presets[index].createdAt : now), item, now);
          if (index >= 0) data.presets[index] = created;
          else data.presets.push(created);
          result.imported.push(id);
        }
        return result;
      });
    },

    /** `POST /from-builtin/:builtinId`: like `copy`, but the source must be a built-in. */
    async fromBuiltin(builtinId: string, input: PresetInput): Promise<PresetView> {
      if (!isBuiltinId(builtinId)) throw missing(builtinId);
      return copy(builtinId, input);
    },
  };
}

export type PresetService = ReturnType<typeof presetService>;
