/**
 * Configuration values that are secrets yet belong to the configuration — the key an MCP client
 * sends, a Redis password, a cookie — are shown masked (`mcp-****abcd`) in every answer and export.
 * A masked value written back means "keep the stored one" (KERNEL.md §10.14), so a configuration
 * read, edited and written back, or exported and imported again, keeps them.
 */
import { isMasked, maskKey } from '../mask.ts';
import { getAt, splitPath, type JsonObject } from './paths.ts';
import { MASKED_PATHS } from './schema.ts';

/** Sets the string at `path`, whose parent object exists (its value was just read). */
function setAt(data: JsonObject, path: string, value: string): void {
  const segments = splitPath(path);
  const last = segments.pop()!;
  (getAt(data, segments.join('.')) as JsonObject)[last] = value;
}

/** A copy of `config` with every secret value masked. */
export function maskSecrets(config: JsonObject): JsonObject {
  const copy = structuredClone(config);
  for (const path of MASKED_PATHS) {
    const value = getAt(copy, path);
    if (typeof value === 'string' && value) setAt(copy, path, maskKey(value));
  }
  return copy;
}

/** `candidate`, or a copy of it in which every masked secret value is the stored one again. */
export function keepMaskedSecrets(candidate: unknown, stored: JsonObject): unknown {
  const masked = MASKED_PATHS.filter((path) => isMasked(getAt(candidate, path)));
  if (!masked.length) return candidate;
  const copy = structuredClone(candidate) as JsonObject;
  for (const path of masked) setAt(copy, path, (getAt(stored, path) as string | undefined) ?? '');
  return copy;
}
