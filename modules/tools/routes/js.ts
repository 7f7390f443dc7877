/** JS tool files: `GET|POST /js`, `GET|PUT|DELETE /js/:name`, `POST /js/reload`. */
import { requestBody, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import { FILE_NAME, type JsTools } from '../custom/js-tools.ts';

const name = { type: 'string', pattern: FILE_NAME };
const source = { type: 'string', minLength: 1, maxLength: 500_000 };
const nameParams = { type: 'object', properties: { name }, required: ['name'] };

export function jsRoutes(router: ModuleRouter, ctx: ModuleContext, js: JsTools): void {
  const v = ctx.validate;

  router.get('/js', v({ summary: 'List JS tool files' }), async (c) => {
    c.body = await js.list();
  });

  router.post('/js/reload', v({ summary: 'Load every JS tool file again', noBody: true }), async (c) => {
    c.body = await js.reload();
  });

  router.post('/js', v({
    summary: 'Create a JS tool file (a template when no source is given)',
    body: { type: 'object', properties: { name, source }, required: ['name'], additionalProperties: false },
  }), async (c) => {
    const body = requestBody<{ name: string; source?: string }>(c);
    c.status = 201;
    c.body = await js.create(body.name, body.source);
  });

  router.get('/js/:name', v({ summary: 'Read the source of a JS tool file', params: nameParams }), async (c) => {
    c.body = await js.read(c.params.name);
  });

  router.put('/js/:name', v({
    summary: 'Write a JS tool file and load it',
    params: nameParams,
    body: { type: 'object', properties: { source }, required: ['source'], additionalProperties: false },
  }), async (c) => {
    c.body = await js.write(c.params.name, requestBody<{ source: string }>(c).source);
  });

  router.delete('/js/:name', v({ summary: 'Delete a JS tool file', params: nameParams }), async (c) => {
    c.body = await js.remove(c.params.name);
  });
}
