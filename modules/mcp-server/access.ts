/**
 * Who may use the exposed MCP server (docs/api.md#mcp-server): it must be switched on (`mcp.server.enabled`),
 * have a key (`mcp.server.apiKey`), and the caller must send that key as a Bearer token. Refusals
 * are JSON-RPC errors, which is what an MCP client can show.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ModuleConfig } from '../../kernel/index.ts';
import type { RpcError } from './rpc.ts';

export interface Refusal {
  status: number;
  error: RpcError;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The terms streams are opened under: whether the server is on, and with which key. */
export function accessOf(config: ModuleConfig): string {
  return `${config.get('mcp.server.enabled') === true}:${config.get<string>('mcp.server.apiKey') ?? ''}`;
}

/** Why this request may not use the MCP server, or null when it may. */
export function refusal(config: ModuleConfig, authorization: string | undefined): Refusal | null {
  if (config.get('mcp.server.enabled') !== true) {
    return { status: 403, error: { code: -32001, message: 'The MCP server is disabled; set mcp.server.enabled to true' } };
  }
  const key = config.get<string>('mcp.server.apiKey');
  if (!key) return { status: 500, error: { code: -32002, message: 'The MCP server has no API key; set mcp.server.apiKey' } };
  const sent = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first wrong byte.
  if (!sent || !timingSafeEqual(digest(sent), digest(key))) {
    return { status: 401, error: { code: -32003, message: 'Missing or wrong API key: send Authorization: Bearer <mcp.server.apiKey>' } };
  }
  return null;
}
