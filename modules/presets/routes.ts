/** Routes of `/api/presets` (docs/api.md#presets); the original's `/api/preset/*` are aliases of them (index.ts). */
import { requestBody, type ModuleContext, type ModuleRouter } from '../../kernel/index.ts';
import { renderPresetPrompt } from '../../lib/presets/index.ts';
import { CATEGORIES } from './builtins.ts';
import type { PresetInput } from './preset.ts';
import {
  builtinParams,
  configBody,
  copyBody,
  createBody,
  exportQuery,
  idParams,
  importBody,
  importItems,
  importQuery,
  listQuery,
  overridesBody,
  updateBody,
} from './schemas.ts';
import type { PresetService, PresetType } from './service.ts';
import { parsePresetsYaml, presetsToYaml } from './yaml.ts';

const YAML_TYPE = 'text/yaml; charset=utf-8';

export function routes(router: ModuleRouter, ctx: ModuleContext, presets: PresetService): void {
  const validateImport = ctx.compile<PresetInput[]>(importItems, 'yaml');

  const presetsConfig = () => ({
    defaultId: presets.defaultId(),
    allowUserSwitch: ctx.config.get<boolean | undefined>('presets.allowUserSwitch') ?? true,
    perUserPreset: ctx.config.get<boolean | undefined>('presets.perUserPreset') ?? false,
    perGroupPreset: ctx.config.get<boolean | undefined>('presets.perGroupPreset') ?? false,
  });

  // Fixed paths first: they would otherwise be taken for an `:id` (their names are reserved ids).
  router.get('/config', ctx.validate({ summary: 'The presets settings (default preset, switching rules)' }), (c) => {
    c.body = presetsConfig();
  });

  router.put('/config', ctx.validate({ summary: 'Change the presets settings', body: configBody }), async (c) => {
    const { defaultId, ...rest } = requestBody<{ defaultId?: string; allowUserSwitch?: boolean; perUserPreset?: boolean; perGroupPreset?: boolean }>(c);
    if (defaultId !== undefined) await presets.setDefault(defaultId);
    if (Object.keys(rest).length) await ctx.config.update({ presets: rest });
    c.body = presetsConfig();
  });

  router.get('/builtin', ctx.validate({ summary: 'The built-in (read-only) presets' }), async (c) => {
    c.body = await presets.list({ type: 'system' });
  });

  router.get('/categories', ctx.validate({ summary: 'Categories of the built-in presets' }), (c) => {
    c.body = CATEGORIES;
  });

  router.get('/export', ctx.validate({ summary: 'Download presets as YAML (default: the user presets)', query: exportQuery }), async (c) => {
    const { type } = c.query as unknown as { type: PresetType };
    c.type = YAML_TYPE;
    c.attachment('presets.yaml');
    c.body = presetsToYaml(await presets.stored(type));
  });

  router.post(
    '/import',
    ctx.validate({
      summary: 'Upload presets as YAML (raw text/yaml body with ?overwrite=true, or JSON {yaml, overwrite})',
      body: importBody,
      query: importQuery,
      consumes: ['text/yaml', 'application/json'],
    }),
    async (c) => {
      const body = requestBody<string | { yaml: string; overwrite?: boolean }>(c);
      const text = typeof body === 'string' ? body : body.yaml;
      const overwrite = typeof body === 'string' ? (c.query as unknown as { overwrite: boolean }).overwrite : (body.overwrite ?? false);
      c.body = await presets.import(validateImport(parsePresetsYaml(text)), overwrite);
    },
  );

  // The original's POST /api/preset/from-builtin/:builtinId (index.ts); the contract copies with /:id/copy.
  router.post(
    '/from-builtin/:builtinId',
    ctx.validate({ summary: 'Copy a built-in preset into an editable one, with changes', params: builtinParams, body: overridesBody, deprecated: true }),
    async (c) => {
      c.status = 201;
      c.body = await presets.fromBuiltin(c.params.builtinId, requestBody<PresetInput>(c));
    },
  );

  router.get('/', ctx.validate({ summary: 'List presets (type=system|user|all, search, category)', query: listQuery }), async (c) => {
    const list = await presets.list(c.query as unknown as { type: PresetType; search?: string; category?: string });
    c.body = { presets: list, total: list.length };
  });

  router.post('/', ctx.validate({ summary: 'Create a preset (id optional: 3–50 of a-z, 0-9, -)', body: createBody }), async (c) => {
    c.status = 201;
    c.body = await presets.create(requestBody<PresetInput>(c));
  });

  router.get('/:id', ctx.validate({ summary: 'One preset, by id or by name', params: idParams }), async (c) => {
    c.body = await presets.get(c.params.id);
  });

  router.put('/:id', ctx.validate({ summary: 'Update a user preset (merge)', params: idParams, body: updateBody }), async (c) => {
    c.body = await presets.update(c.params.id, requestBody<PresetInput>(c));
  });

  router.delete('/:id', ctx.validate({ summary: 'Delete a user preset (not a built-in, not the default)', params: idParams }), async (c) => {
    await presets.remove(c.params.id);
    c.body = { id: c.params.id, deleted: true };
  });

  router.post('/:id/copy', ctx.validate({ summary: 'Duplicate a preset ({newId?, newName?})', params: idParams, body: copyBody }), async (c) => {
    const { newId, newName } = requestBody<{ newId?: string; newName?: string }>(c);
    c.status = 201;
    c.body = await presets.copy(c.params.id, { id: newId, name: newName });
  });

  router.post('/:id/set-default', ctx.validate({ summary: 'Make a preset the default', params: idParams, noBody: true }), async (c) => {
    c.body = await presets.setDefault(c.params.id);
  });

  // The original's GET /api/preset/:id/prompt (index.ts): what a chat turn with this preset is told.
  router.get('/:id/prompt', ctx.validate({ summary: "A preset's system prompt as a chat turn sends it (variables substituted)", params: idParams, deprecated: true }), async (c) => {
    c.body = { prompt: renderPresetPrompt(await presets.find(c.params.id)) };
  });

  router.get('/:id/export', ctx.validate({ summary: 'Download one preset as YAML', params: idParams }), async (c) => {
    const preset = await presets.find(c.params.id);
    c.type = YAML_TYPE;
    c.attachment(`${preset.id}.yaml`);
    c.body = presetsToYaml(preset);
  });
}
