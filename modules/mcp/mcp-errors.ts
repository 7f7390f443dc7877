/** Turns what the MCP client throws into the module's HTTP errors (API.md §8.2 codes). */
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { HttpError } from '../../kernel/index.ts';

export function timeoutError(server: string, ms: number): HttpError {
  return new HttpError(504, 'TIMEOUT', `MCP server "${server}" did not answer within ${ms} ms`);
}

/** A failure while connecting: 504 TIMEOUT or 502 CONNECTION_FAILED, with a hint from the server's stderr. */
export function connectError(server: string, err: unknown, ms: number, stderr = ''): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) return timeoutError(server, ms);
  const reason = (err as Error)?.message ?? String(err);
  const hint = stderr.trim().split('\n').pop();
  const message = `Could not connect to MCP server "${server}": ${reason}${hint && !reason.includes(hint) ? ` (${hint.slice(0, 300)})` : ''}`;
  return new HttpError(502, 'CONNECTION_FAILED', message);
}

/** A failure of a request on an open connection (tools/call, resources/read, prompts/get …). */
export function requestError(server: string, err: unknown, ms: number): HttpError {
  if (err instanceof HttpError) return err;
  if (!(err instanceof McpError)) return new HttpError(502, 'CONNECTION_FAILED', `MCP server "${server}" failed: ${(err as Error)?.message ?? err}`);
  switch (err.code) {
    case ErrorCode.RequestTimeout:
      return timeoutError(server, ms);
    case ErrorCode.ConnectionClosed:
      return new HttpError(502, 'CONNECTION_FAILED', `MCP server "${server}" closed the connection`);
    case ErrorCode.InvalidParams:
      return new HttpError(400, 'INVALID_ARGS', err.message);
    case ErrorCode.MethodNotFound:
      return new HttpError(400, 'NOT_SUPPORTED', `MCP server "${server}" does not support this request`);
    case -32002: // "resource not found" in the MCP specification
      return new HttpError(404, 'RESOURCE_NOT_FOUND', err.message);
    default:
      return new HttpError(502, 'MCP_ERROR', err.message, { extra: { mcpCode: err.code } });
  }
}
