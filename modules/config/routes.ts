/** The /api/config routes over the kernel's config service. */
import { HttpError, notFound, requestBody } from '../../kernel/index.ts';
import type { ConfigAdmin, ModuleContext, ModuleRouter, RequestContext } from '../../kernel/index.ts';
import { changed as answer } from './changed.ts';
import { mcpServerRoutes } from './mcp-server.ts';
import { originalSectionRoutes } from './original-sections.ts';
import { quickSetupRoutes } from './quick-setup.ts';
import { DOCUMENT_TYPES, documentBody, partialBody, rollbackBody, sectionBody, sectionParams, unsetBody, versionParams } from './schemas.ts';
import { wizardRoutes } from './wizard.ts';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{path, value}` (one dotted path) or a partial object. */
function toPartial(body: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(body);
  const onePath = keys.length === 2 && keys.includes('path') && keys.includes('value') && typeof body.path === 'string';
  return onePath ? { [body.path as string]: body.value } : body;
}

/** The configuration document of an import or validate request: YAML text or a JSON body. */
function readDocument(c: RequestContext, config: ConfigAdmin): unknown {
  const body = requestBody<unknown>(c);
  if (typeof body === 'string') {
    if (!body.trim()) throw new HttpError(400, 'VALIDATION_ERROR', 'The request body is empty; send the configuration as text/yaml or JSON');
    return config.parseYaml(body);
  }
  if (body === undefined) throw new HttpError(400, 'VALIDATION_ERROR', 'The request body is empty; send the configuration as text/yaml or JSON');
  return body;
}

export function registerRoutes(router: ModuleRouter, ctx: ModuleContext, config: ConfigAdmin): void {
  const changed = (updated: string[]) => answer(config, updated);

  router.get('/', ctx.validate({ summary: 'The whole configuration, defaults filled, secret values masked' }), (c) => {
    c.body = config.masked();
  });

  const merge = async (c: RequestContext) => {
    c.body = changed(await config.update(toPartial(requestBody<Record<string, unknown>>(c))));
  };
  router.put('/', ctx.validate({ summary: 'Deep-merge a partial configuration; answers the changed dotted paths', body: partialBody }), merge);
  router.post('/', ctx.validate({ summary: 'Deep-merge a partial configuration (the original\'s spelling of PUT)', body: partialBody, deprecated: true }), merge);

  router.get('/schema', ctx.validate({ summary: 'The JSON Schema of the configuration, with defaults' }), (c) => {
    c.body = config.schema;
  });

  router.get('/export', ctx.validate({ summary: 'The whole configuration as YAML, secret values masked' }), (c) => {
    c.type = 'text/yaml; charset=utf-8';
    c.body = config.toYaml();
  });

  router.post('/import', ctx.validate({ summary: 'Replace the configuration with a YAML (or JSON) document', consumes: DOCUMENT_TYPES, body: documentBody }), async (c) => {
    const document = readDocument(c, config);
    if (!isObject(document)) throw new HttpError(400, 'VALIDATION_ERROR', 'The configuration must be a mapping of sections');
    c.body = changed(await config.replace(document, 'import'));
  });

  router.post('/validate', ctx.validate({ summary: 'Check a YAML (or JSON) configuration without applying it', consumes: DOCUMENT_TYPES, body: documentBody }), (c) => {
    const errors = config.validate(readDocument(c, config));
    if (errors.length) throw new HttpError(400, 'INVALID_CONFIG', 'Invalid configuration', { details: errors });
    c.body = { valid: true };
  });

  router.post('/reload', ctx.validate({ summary: 'Re-read config.json from disk now', noBody: true }), async (c) => {
    c.body = changed(await config.reload());
  });

  router.post('/unset', ctx.validate({ summary: 'Remove keys by dotted path (keys with a default take it again)', body: unsetBody }), async (c) => {
    c.body = changed(await config.unset(requestBody<{ paths: string[] }>(c).paths));
  });

  router.get('/history', ctx.validate({ summary: 'The kept versions, newest (the one in force) first' }), async (c) => {
    c.body = { current: config.version(), versions: await config.history() };
  });

  router.get('/history/:version', ctx.validate({ summary: 'The configuration of one kept version', params: versionParams }), async (c) => {
    const wanted = Number(c.params.version);
    const kept = await config.at(wanted);
    if (!kept) throw notFound('VERSION_NOT_FOUND', `No configuration version ${wanted} is kept`);
    c.body = { version: wanted, config: config.masked(kept) };
  });

  router.post('/rollback', ctx.validate({ summary: 'Make a kept version current again (recorded as a new version)', body: rollbackBody }), async (c) => {
    c.body = changed(await config.rollback(requestBody<{ version: number }>(c).version));
  });

  // Before /:section, which would take "mcp-server", "advanced", "links"… for section names.
  mcpServerRoutes(router, ctx, config);
  originalSectionRoutes(router, ctx, config);
  wizardRoutes(router, ctx, config);
  quickSetupRoutes(router, ctx, config);

  // A section of a module not loaded is shown as it is stored; only a declared one can be written.
  router.get('/:section', ctx.validate({ summary: 'One section of the configuration, secret values masked', params: sectionParams }), (c) => {
    const shown = config.masked();
    const name = c.params.section;
    if (!Object.hasOwn(shown, name) && !config.sections.includes(name)) throw notFound('SECTION_NOT_FOUND', `No configuration section "${name}"`);
    c.body = shown[name];
  });

  router.put('/:section', ctx.validate({ summary: 'Replace one section (keys left out take their defaults)', params: sectionParams, body: sectionBody }), async (c) => {
    c.body = changed(await config.replaceSection(c.params.section, requestBody<unknown>(c)));
  });
}
