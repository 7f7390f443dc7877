/** Dotted paths over plain JSON data: read, set, unset, deep merge and the list of changed leaves. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Keys that would reach an object's prototype: refused anywhere in a config write. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const FORBIDDEN_MESSAGE = 'keys named __proto__, constructor or prototype are not allowed';

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The dotted path of the first forbidden key in `value`, or null. */
export function findForbiddenKey(value: unknown, prefix = ''): string | null {
  if (typeof value !== 'object' || value === null) return null;
  for (const key of Object.keys(value)) {
    const here = prefix ? `${prefix}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return here;
    const inner = findForbiddenKey((value as Record<string, unknown>)[key], here);
    if (inner) return inner;
  }
  return null;
}

/** Why `path` cannot name a configuration key (empty segment, prototype key), or null when it can. */
export function pathProblem(path: string): string | null {
  const segments = path.split('.');
  if (segments.some((s) => s === '')) return 'is not a dotted path';
  if (segments.some((s) => FORBIDDEN_KEYS.has(s))) return FORBIDDEN_MESSAGE;
  return null;
}

/** Splits `a.b.c`; throws on an empty segment. */
export function splitPath(path: string): string[] {
  const segments = path.split('.');
  if (segments.some((s) => s === '')) throw new Error(`"${path}" is not a dotted path`);
  return segments;
}

/** The value at `path` (array items by index), or undefined. */
export function getAt(data: unknown, path: string): unknown {
  let value = data;
  for (const key of splitPath(path)) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Deletes the key at `path` in place; returns whether it was there. */
export function unsetAt(data: JsonObject, path: string): boolean {
  const segments = splitPath(path);
  const last = segments.pop()!;
  const parent = segments.length ? getAt(data, segments.join('.')) : data;
  if (Array.isArray(parent) && isIndex(last, parent) && Number(last) < parent.length) {
    parent.splice(Number(last), 1);
    return true;
  }
  if (!isPlainObject(parent) || !Object.hasOwn(parent, last)) return false;
  delete parent[last];
  return true;
}

/** Turns `{"trigger.prefixes": [..]}` into `{trigger: {prefixes: [..]}}` (later keys win, objects merge). */
export function expandDotted(partial: JsonObject): JsonObject {
  let out: JsonObject = {};
  for (const [key, value] of Object.entries(partial)) {
    const nested = splitPath(key).reduceRight<Json>((inner, segment) => ({ [segment]: inner }), value);
    out = deepMerge(out, nested as JsonObject);
  }
  return out;
}

const isIndex = (key: string, list: unknown[]) => /^(0|[1-9][0-9]*)$/.test(key) && Number(key) <= list.length;

function mergeValue(current: Json | undefined, value: Json): Json {
  if (isPlainObject(current) && isPlainObject(value)) return deepMerge(current, value);
  // A dotted path through a list (`toolGroups.0.name`) arrives as an object keyed by indices.
  if (Array.isArray(current) && isPlainObject(value) && Object.keys(value).every((k) => isIndex(k, current))) {
    const copy = [...current];
    for (const [key, inner] of Object.entries(value)) copy[Number(key)] = mergeValue(copy[Number(key)], inner);
    return copy;
  }
  return value;
}

/** Merges `patch` into a copy of `base`: objects recursively, arrays and scalars replace. */
export function deepMerge(base: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = mergeValue(out[key], value);
  return out;
}

/** Dotted paths of the leaves (scalars, arrays, empty objects) that differ between two values. */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const paths: string[] = [];
    for (const key of keys) paths.push(...changedPaths(before[key], after[key], prefix ? `${prefix}.${key}` : key));
    return paths;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  // An object that appeared or vanished: name its leaves, so a listener on `a.b` hears about it.
  const side = isPlainObject(after) ? after : isPlainObject(before) ? before : null;
  if (side && Object.keys(side).length) return changedPaths(isPlainObject(before) ? before : {}, isPlainObject(after) ? after : {}, prefix);
  return [prefix];
}

/** Freezes `value` and everything inside it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
