/**
 * The original plugin's per-section config paths (docs/api.md#config), served only for its clients and
 * so marked deprecated: `advanced`, `triggers`, `personality` (PATCH), `links`, `proactive-chat`.
 * Reads show the sections as `GET /api/config/:section` does, secret values masked. Writes merge
 * through the config service (validated, one version each, serialized with every other write), so
 * keys left out keep their values; a nested object sent is merged too, where the original replaced it
 * and lost its other keys. `PUT triggers` replaces the section, as the original's did.
 * `GET|PUT context` and `admin` are the contract's `/:section` routes (PUT replaces): not served here.
 */
import { requestBody, type ConfigAdmin, type ModuleContext, type ModuleRouter, type RequestContext } from '../../kernel/index.ts';
import { changed } from './changed.ts';
import { ADVANCED_SECTIONS, advancedBody, linksBody, sectionPatchBody, triggerBody } from './original-schemas.ts';

const deprecated = true;

export function originalSectionRoutes(router: ModuleRouter, ctx: ModuleContext, config: ConfigAdmin): void {
  const shown = (section: string) => config.masked()[section];
  /** Merges the body into `section`. */
  const merge = (section: string) => async (c: RequestContext) => {
    c.body = changed(config, await config.update({ [section]: requestBody<unknown>(c) }));
  };

  const advanced = ADVANCED_SECTIONS.join(', ');
  router.get('/advanced', ctx.validate({ summary: `The advanced settings: the sections ${advanced}, secret values masked`, deprecated }), (c) => {
    c.body = Object.fromEntries(ADVANCED_SECTIONS.map((name) => [name, shown(name)]));
  });
  router.put('/advanced', ctx.validate({ summary: `Change keys of the advanced sections (${advanced}); keys left out keep their values`, body: advancedBody, deprecated }), async (c) => {
    c.body = changed(config, await config.update(requestBody<Record<string, unknown>>(c)));
  });

  router.get('/triggers', ctx.validate({ summary: 'The trigger section', deprecated }), (c) => {
    c.body = shown('trigger');
  });
  router.put('/triggers', ctx.validate({ summary: 'Replace the trigger section (keys left out take their defaults)', body: triggerBody, deprecated }), async (c) => {
    c.body = changed(config, await config.replaceSection('trigger', requestBody<unknown>(c)));
  });

  // GET personality is the contract's GET /:section.
  router.patch('/personality', ctx.validate({ summary: 'Change keys of the personality section; keys left out keep their values', body: sectionPatchBody, deprecated }), merge('personality'));

  router.get('/links', ctx.validate({ summary: 'The login link bases: web.loginLinks and web.publicUrl', deprecated }), (c) => {
    const { loginLinks, publicUrl } = shown('web') as { loginLinks: unknown[]; publicUrl: string };
    c.body = { loginLinks, publicUrl };
  });
  router.put('/links', ctx.validate({ summary: 'Set web.loginLinks (the list is replaced) and/or web.publicUrl', body: linksBody, deprecated }), async (c) => {
    const { loginLinks, publicUrl } = requestBody<{ loginLinks?: unknown[]; publicUrl?: string }>(c);
    c.body = changed(config, await config.update({ ...(loginLinks && { 'web.loginLinks': loginLinks }), ...(publicUrl !== undefined && { 'web.publicUrl': publicUrl }) }));
  });

  // Declared so that an original configuration imports intact; nothing on this server acts on it yet.
  router.get('/proactive-chat', ctx.validate({ summary: 'The proactive chat settings (the proactiveChat section)', deprecated }), (c) => {
    c.body = shown('proactiveChat');
  });
  router.put('/proactive-chat', ctx.validate({ summary: 'Change keys of the proactiveChat section; keys left out keep their values', body: sectionPatchBody, deprecated }), merge('proactiveChat'));
}
