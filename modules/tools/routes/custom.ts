/** Custom tool definitions: `GET|POST /custom`, `PUT|DELETE /custom/:name`. */
import { requestBody, type ModuleContext, type ModuleRouter } from '../../../kernel/index.ts';
import type { CustomTools, CustomToolInput } from '../custom/custom-tools.ts';

// Definitions are kept in an object keyed by name: names of Object.prototype's own keys are refused.
const name = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', not: { enum: ['__proto__', 'constructor', 'prototype'] } };
const fields = {
  description: { type: 'string', maxLength: 2000 },
  parameters: { type: 'object', description: 'JSON Schema of the arguments' },
  handler: { type: 'string', minLength: 1, maxLength: 100_000, description: 'JS source of an async function body; receives args and context' },
};
const nameParams = { type: 'object', properties: { name }, required: ['name'] };

export function customRoutes(router: ModuleRouter, ctx: ModuleContext, custom: CustomTools): void {
  const v = ctx.validate;

  router.get('/custom', v({ summary: 'List custom tool definitions' }), async (c) => {
    c.body = await custom.list();
  });

  router.post('/custom', v({
    summary: 'Define a custom tool',
    body: { type: 'object', properties: { name, ...fields }, required: ['name'], additionalProperties: false },
  }), async (c) => {
    const { name: toolName, ...input } = requestBody<CustomToolInput & { name: string }>(c);
    c.status = 201;
    c.body = await custom.create(toolName, input);
  });

  router.put('/custom/:name', v({
    summary: 'Change a custom tool definition',
    params: nameParams,
    body: { type: 'object', properties: fields, additionalProperties: false, minProperties: 1 },
  }), async (c) => {
    c.body = await custom.update(c.params.name, requestBody<CustomToolInput>(c));
  });

  router.delete('/custom/:name', v({ summary: 'Delete a custom tool definition', params: nameParams }), async (c) => {
    await custom.remove(c.params.name);
    c.body = { success: true };
  });
}
