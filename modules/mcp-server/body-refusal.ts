/**
 * The kernel's refusal of a request body, in JSON-RPC terms, as the MCP SDK's own streamable-HTTP
 * server transport answers it: the HTTP status stays, JSON that cannot be parsed is -32700
 * (JSON-RPC 2.0), a refusal of the transport (413 too large, 415 not JSON) is -32000.
 */
import type { HttpError } from '../../kernel/index.ts';
import type { Refusal } from './access.ts';

export const EMPTY_BODY: Refusal = { status: 400, error: { code: -32700, message: 'Parse error: the request body is empty; send a JSON-RPC message' } };

export function bodyRefusal(refused: HttpError): Refusal {
  if (refused.code === 'INVALID_JSON') return { status: 400, error: { code: -32700, message: `Parse error: ${refused.message}` } };
  // JSON that parsed but cannot be taken as it is (nested too deep): not a request this server reads.
  if (refused.status === 400) return { status: 400, error: { code: -32600, message: `Invalid request: ${refused.message}` } };
  return { status: refused.status, error: { code: -32000, message: refused.message } };
}
