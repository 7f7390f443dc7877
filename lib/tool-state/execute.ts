/**
 * Runs a tool for an API caller: the tool must exist and be available under the `builtinTools`
 * switches; its arguments are checked by the registry; a tool that throws is an error result for this
 * request, never a crash; the registry bounds its time (504 TOOL_TIMEOUT). Every call that reached the
 * registry is announced as `tool-executed`, which the tools module records in its call log (with
 * credentials redacted) and skills' SSE forwards (a summary).
 */
import { HttpError, type AuthUser, type ModuleContext, type RequestContext, type ToolResult } from '../../kernel/index.ts';
import { redactText } from './redact.ts';
import { loadToolState } from './view.ts';

export interface Execution {
  toolName: string;
  arguments: Record<string, unknown>;
  result: ToolResult;
  success: boolean;
  duration: number;
}

/** The payload of the `tool-executed` event (the tools module records it, skills SSE forwards a summary). */
interface ToolExecutedEvent {
  toolName: string;
  success: boolean;
  duration: number;
  source: 'builtin' | 'custom' | 'mcp';
  /** Which API area ran it (`tools`, `skills`, `chat`, …). */
  caller: string;
  args: unknown;
  result: ToolResult | null;
  error: string | null;
  userId: string | null;
  groupId: string | null;
}

export async function executeTool(
  ctx: ModuleContext,
  name: string,
  args: Record<string, unknown> | undefined,
  opts: { user?: Pick<AuthUser, 'sub' | 'groupId'>; signal?: AbortSignal },
): Promise<Execution> {
  const view = (await loadToolState(ctx)).tools.find((t) => t.name === name);
  if (!view) throw new HttpError(404, 'TOOL_NOT_FOUND', `No tool named "${name}"`);
  if (!view.available) throw new HttpError(403, 'TOOL_DISABLED', `Tool "${name}" cannot be called: ${view.reason}`);

  const input = args ?? {};
  const started = performance.now();
  const announce = (result: ToolResult | null, error: string | null) => {
    const event: ToolExecutedEvent = {
      toolName: name,
      success: error === null && result?.isError !== true,
      duration: Math.round(performance.now() - started),
      source: view.source,
      caller: ctx.name,
      args: input,
      result,
      error,
      userId: opts.user?.sub ?? null,
      groupId: opts.user?.groupId ?? null,
    };
    ctx.events.publish('tool-executed', { ...event });
    return event;
  };

  let result: ToolResult;
  try {
    result = await ctx.tools.call(name, input, { userId: opts.user?.sub, groupId: opts.user?.groupId, signal: opts.signal });
  } catch (err) {
    // Refused arguments are recorded too: a model sending bad arguments is what the log is read for.
    const message = (err as Error)?.message ?? String(err);
    announce(null, message);
    // A tool's own HttpError (a blocked address, a timeout) keeps its status; anything else is the tool failing.
    if (err instanceof HttpError) throw err;
    ctx.log.warn(`tool "${name}" failed`, { error: redactText(message) });
    throw new HttpError(500, 'EXECUTION_ERROR', `Tool "${name}" failed: ${message}`);
  }
  const event = announce(result, null);
  return { toolName: name, arguments: input, result, success: event.success, duration: event.duration };
}

/** A signal that aborts when the HTTP client goes away before the answer is sent. */
export function clientGone(c: RequestContext): AbortSignal {
  const controller = new AbortController();
  c.res.once('close', () => {
    if (!c.res.writableFinished) controller.abort();
  });
  return controller.signal;
}
