/** Turns what the MCP client throws into the module's HTTP errors (docs/api.md#mcp codes). */
import { HttpError } from '../../kernel/index.ts';

/** JSON-RPC / MCP error codes (the SDK's ErrorCode; not imported, so the SDK can load lazily). */
const ErrorCode = { ConnectionClosed: -32000, RequestTimeout: -32001, MethodNotFound: -32601, InvalidParams: -32602, ResourceNotFound: -32002 };

/** The SDK's McpError, recognised by shape. */
interface McpError extends Error {
  code: number;
}

function isMcpError(err: unknown): err is McpError {
  return err instanceof Error && err.name === 'McpError' && typeof (err as McpError).code === 'number';
}

export function timeoutError(server: string, ms: number): HttpError {
  return new HttpError(504, 'TIMEOUT', `MCP server "${server}" did not answer within ${ms} ms`);
}

/** A failure while connecting: 504 TIMEOUT or 502 CONNECTION_FAILED, with a hint from the server's stderr. */
export function connectError(server: string, err: unknown, ms: number, stderr = ''): HttpError {
  if (err instanceof HttpError) return err;
  if (isMcpError(err) && err.code === ErrorCode.RequestTimeout) return timeoutError(server, ms);
  const reason = (err as Error)?.message ?? String(err);
  const hint = stderr.trim().split('\n').pop();
  const message = `Could not connect to MCP server "${server}": ${reason}${hint && !reason.includes(hint) ? ` (${hint.slice(0, 300)})` : ''}`;
  return new HttpError(502, 'CONNECTION_FAILED', message);
}

/** The server's own words, without the SDK's repeated "MCP error -32602:" prefixes. */
function reasonOf(err: McpError): string {
  return err.message.replace(/^(MCP error -?\d+: )+/, '');
}

/**
 * A failure of a request on an open connection (tools/call, resources/read, prompts/get …).
 * `missing` names what a "not found" answer is about: servers built with the SDK answer an unknown
 * resource or prompt with InvalidParams, the MCP specification with -32002.
 */
export function requestError(server: string, err: unknown, ms: number, missing?: 'RESOURCE' | 'PROMPT'): HttpError {
  if (err instanceof HttpError) return err;
  if (!isMcpError(err)) return new HttpError(502, 'CONNECTION_FAILED', `MCP server "${server}" failed: ${(err as Error)?.message ?? err}`);
  const reason = reasonOf(err);
  if (missing && (err.code === ErrorCode.ResourceNotFound || (err.code === ErrorCode.InvalidParams && /not found/i.test(reason)))) {
    return new HttpError(404, `${missing}_NOT_FOUND`, reason);
  }
  switch (err.code) {
    case ErrorCode.RequestTimeout:
      return timeoutError(server, ms);
    case ErrorCode.ConnectionClosed:
      return new HttpError(502, 'CONNECTION_FAILED', `MCP server "${server}" closed the connection`);
    case ErrorCode.InvalidParams:
      return new HttpError(400, 'INVALID_ARGS', reason);
    case ErrorCode.MethodNotFound:
      return new HttpError(400, 'NOT_SUPPORTED', `MCP server "${server}" does not support this request`);
    default:
      return new HttpError(502, 'MCP_ERROR', reason, { extra: { mcpCode: err.code } });
  }
}
