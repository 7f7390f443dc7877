/**
 * Request headers for an endpoint: the channel's `api-key`/`custom` auth style, else the adapter's own
 * (`bearer` is every channel's default, so it means "the adapter's usual header"), plus custom headers.
 */
import type { Endpoint } from './types.ts';

export function authHeaders(endpoint: Endpoint, fallback: 'bearer' | { header: string }): Record<string, string> {
  const headers: Record<string, string> = {};
  const auth = endpoint.auth;
  if (endpoint.apiKey) {
    if (auth?.type === 'api-key' || auth?.type === 'custom') {
      const name = auth.headerName || (auth.type === 'api-key' ? 'x-api-key' : 'authorization');
      headers[name.toLowerCase()] = `${auth.prefix ?? ''}${endpoint.apiKey}`;
    } else if (fallback === 'bearer') {
      headers.authorization = `Bearer ${endpoint.apiKey}`;
    } else {
      headers[fallback.header] = endpoint.apiKey;
    }
  }
  for (const [name, value] of Object.entries(endpoint.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}

/** Parses a tool call's JSON arguments; anything unparsable becomes `{}` rather than an exception. */
export function parseArgs(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
