/**
 * Running skills. As in the original (docs/api.md#skills), a skill that cannot run — unknown, disabled,
 * bad arguments, failing — answers 200 with an `isError` result that says why, so an agent loop can
 * show it to the model; only a malformed request body is an HTTP error.
 */
import { HttpError, requestBody, type AuthUser, type ModuleContext, type ModuleRouter, type ToolResult } from '../../../kernel/index.ts';
import { clientGone, executeTool } from '../../../lib/tool-state/execute.ts';
import { toolArgs, toolName } from '../../../lib/tool-state/schemas.ts';

const BATCH_PARALLEL = 5;

async function run(ctx: ModuleContext, name: string, args: Record<string, unknown> | undefined, user: AuthUser | undefined, signal: AbortSignal) {
  try {
    return await executeTool(ctx, name, args, { user, signal });
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    const result: ToolResult & { code: string } = { content: [{ type: 'text', text: err.message }], isError: true, code: err.code };
    return { toolName: name, arguments: args ?? {}, result, success: false, duration: 0 };
  }
}

export function executeRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  router.post('/execute', ctx.validate({
    summary: 'Run one skill; failures come back as an isError result',
    body: { type: 'object', properties: { toolName, args: toolArgs, presetId: { type: 'string', maxLength: 50 } }, required: ['toolName'], additionalProperties: false },
  }), async (c) => {
    const { toolName: name, args } = requestBody<{ toolName: string; args?: Record<string, unknown> }>(c);
    c.body = (await run(ctx, name, args, c.state.user, clientGone(c))).result;
  });

  router.post('/execute/batch', ctx.validate({
    summary: 'Run several skills, at most five at a time',
    body: {
      type: 'object',
      properties: {
        calls: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
          items: { type: 'object', properties: { name: toolName, args: toolArgs }, required: ['name'], additionalProperties: false },
        },
        presetId: { type: 'string', maxLength: 50 },
      },
      required: ['calls'],
      additionalProperties: false,
    },
  }), async (c) => {
    const { calls } = requestBody<{ calls: Array<{ name: string; args?: Record<string, unknown> }> }>(c);
    const signal = clientGone(c);
    const results = new Array(calls.length);
    let next = 0;
    const worker = async () => {
      while (next < calls.length) {
        const i = next++;
        const { toolName: name, result, success, duration } = await run(ctx, calls[i].name, calls[i].args, c.state.user, signal);
        results[i] = { name, success, duration, result };
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_PARALLEL, calls.length) }, worker));
    ctx.events.publish('batch-executed', { count: calls.length, failed: results.filter((r) => !r.success).length });
    c.body = { count: calls.length, results };
  });
}
