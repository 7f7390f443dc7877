/**
 * The JSON-RPC side of the exposed MCP server (docs/api.md#mcp-server): `initialize`, `ping`, `tools/list`,
 * `tools/call`, and notifications, which get no reply. The tools are the plugin's own — built-in,
 * custom and JS tools that are available — not those of the external MCP servers it is a client of.
 */
import { HttpError, type ModuleContext, type ToolResult } from '../../kernel/index.ts';
import { executeTool } from '../../lib/tool-state/execute.ts';
import { exposedTools } from '../../lib/tool-state/view.ts';

export const PROTOCOL_VERSION = '2024-11-05';
export const SERVER_INFO = { name: 'chatai-plugin', version: '1.0.0' };

export interface RpcError {
  code: number;
  message: string;
}

type Id = string | number | null;
export type RpcReply = { jsonrpc: '2.0'; id: Id } & ({ result: unknown } | { error: RpcError });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const failure = (id: Id, code: number, message: string): RpcReply => ({ jsonrpc: '2.0', id, error: { code, message } });

async function callTool(ctx: ModuleContext, params: Record<string, unknown>, signal: AbortSignal | undefined): Promise<{ result: ToolResult } | RpcError> {
  const { name, arguments: args = {} } = params;
  if (typeof name !== 'string' || !name) return { code: -32602, message: 'tools/call needs params.name, the name of a tool' };
  if (!isObject(args)) return { code: -32602, message: 'tools/call params.arguments must be an object' };
  if (!(await exposedTools(ctx)).some((t) => t.name === name)) return { code: -32602, message: `Unknown tool: ${name}` };
  try {
    // No chat event: the tools are told that the caller is the master.
    const { result } = await executeTool(ctx, name, args, { user: { sub: 'master' }, signal });
    return { result: { content: result.content, isError: result.isError ?? false } };
  } catch (err) {
    if (err instanceof HttpError && err.code === 'EXECUTION_ERROR') return { result: { content: [{ type: 'text', text: err.message }], isError: true } };
    if (err instanceof HttpError && err.status < 500) return { code: -32602, message: err.message };
    return { code: -32603, message: `Tool "${name}" could not be run: ${(err as Error)?.message ?? String(err)}` };
  }
}

/** The reply to one JSON-RPC message, or null for a notification. */
export async function answer(ctx: ModuleContext, message: unknown, signal?: AbortSignal): Promise<RpcReply | null> {
  if (!isObject(message)) return failure(null, -32600, 'Invalid request: expected a JSON-RPC object');
  const id: Id = typeof message.id === 'string' || typeof message.id === 'number' ? message.id : null;
  if (typeof message.method !== 'string') return failure(id, -32600, 'Invalid request: "method" is missing');
  if ('id' in message && message.id !== null && id === null) return failure(null, -32600, 'Invalid request: "id" must be a string or a number');
  // A message without an id is a notification (`initialized`, `notifications/initialized`, …).
  if (!('id' in message)) return null;
  const params = isObject(message.params) ? message.params : {};
  const ok = (result: unknown): RpcReply => ({ jsonrpc: '2.0', id, result });
  switch (message.method) {
    case 'initialize':
      return ok({ protocolVersion: PROTOCOL_VERSION, capabilities: { tools: { listChanged: false } }, serverInfo: SERVER_INFO });
    case 'ping':
      return ok({});
    case 'tools/list':
      return ok({ tools: (await exposedTools(ctx)).map(({ name, description, inputSchema }) => ({ name, description, inputSchema })) });
    case 'tools/call': {
      const outcome = await callTool(ctx, params, signal);
      return 'result' in outcome ? ok(outcome.result) : failure(id, outcome.code, outcome.message);
    }
    default:
      return failure(id, -32601, `Method not found: ${message.method}`);
  }
}

/** The most messages one batch may hold: their tool calls run side by side. */
export const MAX_BATCH = 50;

/** The replies to a message or a batch (an array of messages); null when nothing needs one. */
export async function answerAll(ctx: ModuleContext, body: unknown, signal?: AbortSignal): Promise<RpcReply | RpcReply[] | null> {
  if (!Array.isArray(body)) return answer(ctx, body, signal);
  if (!body.length) return failure(null, -32600, 'Invalid request: empty batch');
  if (body.length > MAX_BATCH) return failure(null, -32600, `Invalid request: a batch holds at most ${MAX_BATCH} messages, this one ${body.length}`);
  const replies = (await Promise.all(body.map((m) => answer(ctx, m, signal)))).filter((r): r is RpcReply => r !== null);
  return replies.length ? replies : null;
}
