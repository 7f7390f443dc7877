/**
 * Configuration values that are secrets yet belong to the configuration — the key an MCP client
 * sends, a Redis password, an image API's key, a proxy URL with its password — are shown masked
 * (`mcp-****abcd`) in every answer and export. Which values are secrets is said by the schema
 * (`x-secret`, see validate.ts), wherever the value sits: nested objects, list items, maps. A key
 * the schema leaves open (an open object, a section whose module is not loaded) is judged by its
 * name, and its text, when it is a URL, has its credentials masked.
 *
 * A masked value written back means "keep the stored one" (docs/http.md#secrets), so a configuration
 * read, edited and written back, or exported and imported again, keeps them. A list item is matched
 * to the stored one by its `id` when it has one (the panel reorders and deletes proxy profiles),
 * else by its index; either way the mask must be the stored value's own mask, so a list that
 * shifted never hands one item's secret to another: that is a 400 naming the path instead.
 */
import { isMasked, looksSecret, maskKey, maskUrl, unmaskKey, unmaskUrl } from '../mask.ts';
import type { JSONSchema, ValidationDetail } from '../types.ts';
import { SECRET_MARK, type SecretMark } from '../validate.ts';
import { isPlainObject, type Json, type JsonObject } from './paths.ts';

/** The schema of one key (or, for a list, of its items), or undefined where the schema leaves it open. */
function childSchema(schema: JSONSchema | undefined, key: string | null): JSONSchema | undefined {
  const asSchema = (value: unknown) => (isPlainObject(value) ? (value as JSONSchema) : undefined);
  if (!schema) return undefined;
  if (key === null) return asSchema(schema.items);
  const properties = asSchema(schema.properties);
  if (properties && Object.hasOwn(properties, key)) return asSchema(properties[key]) ?? {};
  return asSchema(schema.additionalProperties);
}

/** How a string is shown: a declared one by its mark; an undeclared one by its name, and as a URL. */
function markOf(schema: JSONSchema | undefined, name: string): SecretMark | undefined {
  if (schema) return schema[SECRET_MARK] as SecretMark | undefined;
  return looksSecret(name) ? true : 'url';
}

/** Calls `visit` on each child of an object or list with its schema and the name it goes by (list items go by the list's name). */
function mapChildren(value: Json, schema: JSONSchema | undefined, name: string, visit: (child: Json, key: string, schema: JSONSchema | undefined, name: string) => Json): Json {
  if (Array.isArray(value)) return value.map((item, i) => visit(item, String(i), childSchema(schema, null), name));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, visit(child, key, childSchema(schema, key), key)]));
  return value;
}

function mask(value: Json, schema: JSONSchema | undefined, name: string): Json {
  if (typeof value !== 'string') return mapChildren(value, schema, name, (child, _key, s, n) => mask(child, s, n));
  const mark = markOf(schema, name);
  return mark === 'url' ? maskUrl(value) : mark ? maskKey(value) : value;
}

/** A copy of `config` with every secret value masked, as `schema` marks them. */
export function maskSecrets(config: JsonObject, schema: JSONSchema): JsonObject {
  return mask(config, schema, '') as JsonObject;
}

/** The stored list item an incoming one stands for: the one with its `id`, else the one at its index. */
function storedItem(stored: unknown, item: Json, index: number): unknown {
  if (!Array.isArray(stored)) return undefined;
  const id = isPlainObject(item) ? item.id : undefined;
  if (typeof id === 'string' || typeof id === 'number') return stored.find((s) => isPlainObject(s) && s.id === id);
  return stored[index];
}

function restore(value: Json, stored: unknown, schema: JSONSchema | undefined, name: string, path: string, errors: ValidationDetail[]): Json {
  if (typeof value === 'string') {
    const mark = markOf(schema, name);
    if (!mark || !isMasked(value)) return value;
    const previous = typeof stored === 'string' ? stored : undefined;
    const kept = mark === 'url' ? unmaskUrl(value, previous) : unmaskKey(value, previous);
    if (kept === undefined) errors.push({ path, message: 'is masked but is not the mask of the value stored here; send the secret itself' });
    return kept ?? value;
  }
  return mapChildren(value, schema, name, (child, key, s, n) => {
    const before = Array.isArray(value) ? storedItem(stored, child, Number(key)) : isPlainObject(stored) && Object.hasOwn(stored, key) ? stored[key] : undefined;
    return restore(child, before, s, n, path ? `${path}.${key}` : key, errors);
  });
}

/**
 * `candidate` with every masked secret value put back to the stored one it stands for; `errors`
 * names each masked value that stands for nothing stored (a mask copied from elsewhere).
 */
export function keepMaskedSecrets(candidate: unknown, stored: JsonObject, schema: JSONSchema): { value: unknown; errors: ValidationDetail[] } {
  const errors: ValidationDetail[] = [];
  const value = restore(candidate as Json, stored, schema, '', '', errors);
  return { value, errors };
}
