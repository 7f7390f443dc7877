/**
 * The tool registry: one place for built-in, module and MCP tools. Each tool is owned by the module
 * that registered it, so unloading a module removes its tools. Arguments are checked against the
 * tool's schema before the handler runs, and every call is bounded in time.
 */
import type { ValidateFunction } from 'ajv';
import { HttpError } from './errors.ts';
import { newAjv, toDetails } from './validate.ts';
import type { RegisteredTool, ToolContext, ToolDefinition, ToolRegistry, ToolResult } from './types.ts';

interface Entry {
  tool: ToolDefinition;
  owner: string;
  check: ValidateFunction;
}

const NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
/** How long a call of a tool that declares no `timeoutMs` may run. */
const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 2 ** 31 - 1; // setTimeout's own limit

/**
 * Runs a handler for at most `ms`: past it the call fails with 504 TOOL_TIMEOUT even if the handler's
 * promise never settles, and the signal the handler got is aborted so that it can stop its work.
 */
async function bounded(name: string, ms: number, context: ToolContext, run: (context: ToolContext) => unknown): Promise<unknown> {
  const controller = new AbortController();
  const forward = () => controller.abort(context.signal?.reason);
  if (context.signal?.aborted) forward();
  else context.signal?.addEventListener('abort', forward, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new HttpError(504, 'TOOL_TIMEOUT', `Tool "${name}" did not finish within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([(async () => run({ ...context, signal: controller.signal }))(), expired]);
  } finally {
    clearTimeout(timer);
    context.signal?.removeEventListener('abort', forward);
  }
}

/** Normalises whatever a handler returned into an MCP-style result. */
function toResult(value: unknown): ToolResult {
  if (value && typeof value === 'object' && Array.isArray((value as ToolResult).content)) return value as ToolResult;
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null, null, 2);
  return { content: [{ type: 'text', text }] };
}

export interface KernelToolRegistry {
  /** The registry as a module sees it: registrations are recorded as owned by `owner`. */
  forOwner(owner: string, track: (release: () => void) => () => void): ToolRegistry;
}

export function createToolRegistry(): KernelToolRegistry {
  const tools = new Map<string, Entry>();
  // Compiled schemas are removed again on unregister, so one ajv instance does not grow with reloads.
  const ajv = newAjv(false);

  const describe = (e: Entry): RegisteredTool => {
    const { handler: _handler, ...rest } = e.tool;
    return { ...rest, owner: e.owner };
  };

  const call = async (name: string, args: unknown, context: ToolContext = {}): Promise<ToolResult> => {
    const entry = tools.get(name);
    if (!entry) throw new HttpError(404, 'TOOL_NOT_FOUND', `No tool named "${name}"`);
    const input = args === undefined || args === null ? {} : args;
    if (!entry.check(input)) {
      throw new HttpError(400, 'INVALID_ARGS', `Arguments do not match the schema of "${name}"`, { details: toDetails(entry.check.errors, 'args') });
    }
    const ms = entry.tool.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    return toResult(await bounded(name, ms, context, (bound) => entry.tool.handler(input as Record<string, unknown>, bound)));
  };

  return {
    forOwner(owner, track) {
      return {
        register(tool) {
          if (typeof tool.name !== 'string' || !NAME.test(tool.name)) throw new Error(`tool name "${tool.name}" must match ${NAME}`);
          const { timeoutMs } = tool;
          if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
            throw new Error(`tool "${tool.name}": timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
          }
          const existing = tools.get(tool.name);
          if (existing && existing.owner !== owner) throw new Error(`tool "${tool.name}" is already registered by module "${existing.owner}"`);
          if (existing) ajv.removeSchema(existing.tool.inputSchema);
          const schema = tool.inputSchema ?? { type: 'object' };
          const entry: Entry = { tool: { ...tool, inputSchema: schema }, owner, check: ajv.compile(schema) };
          tools.set(tool.name, entry);
          const release = () => {
            if (tools.get(tool.name) !== entry) return;
            tools.delete(tool.name);
            ajv.removeSchema(schema);
          };
          return track(release);
        },
        list: () => [...tools.values()].map(describe),
        get: (name) => {
          const e = tools.get(name);
          return e && describe(e);
        },
        call,
      };
    },
  };
}
