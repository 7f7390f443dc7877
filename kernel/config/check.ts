/** Checks a candidate configuration, section by section, against the sections declared, and fills in the defaults. */
import type { ValidationDetail } from '../types.ts';
import { FORBIDDEN_MESSAGE, changedPaths, findForbiddenKey, getAt, isPlainObject, type JsonObject } from './paths.ts';
import { SECRET_PATHS } from './schema.ts';
import { checkSection, type SectionTable } from './sections.ts';

export type CheckResult = { ok: true; value: JsonObject } | { ok: false; errors: ValidationDetail[] };

/**
 * What becomes of a section no loaded module declares (its module is disabled, absent, or failed):
 * - `as-is`: taken as the candidate has it — the candidate is config.json itself, where it lives;
 * - `unchanged`: it must be as `stored` has it, and one the candidate leaves out is kept (an API write, an import);
 * - `stored`: taken from `stored`, whatever the candidate says (a rollback, a fallback to an older version).
 */
export type Undeclared = 'as-is' | 'unchanged' | 'stored';

export const NOT_LOADED = 'belongs to no loaded module: it is kept as it is stored until its module is loaded';

/** Problems that are not about values: not an object, prototype keys, secrets. */
function structuralErrors(candidate: unknown): ValidationDetail[] {
  if (!isPlainObject(candidate)) return [{ path: '', message: 'the configuration must be an object' }];
  const forbidden = findForbiddenKey(candidate);
  if (forbidden) return [{ path: forbidden, message: FORBIDDEN_MESSAGE }];
  return SECRET_PATHS.filter((p) => getAt(candidate, p) !== undefined).map((path) => ({
    path,
    message: 'is a secret; secrets are kept outside the configuration',
  }));
}

/**
 * Validates `candidate` (left untouched). On success `value` is a copy with every default filled in;
 * on failure `errors` are `{path, message}` with dotted configuration paths (`trigger.group.at`).
 */
export function checkConfig(candidate: unknown, sections: SectionTable, stored: JsonObject, undeclared: Undeclared): CheckResult {
  const structural = structuralErrors(candidate);
  if (structural.length) return { ok: false, errors: structural };
  const given = candidate as JsonObject;
  const value: JsonObject = {};
  const errors: ValidationDetail[] = [];
  for (const section of sections.inForce()) {
    const result = checkSection(section, given[section.name]);
    if (!result.ok) errors.push(...result.errors);
    else if (result.value !== undefined) value[section.name] = result.value as JsonObject;
  }
  for (const name of new Set([...Object.keys(given), ...Object.keys(stored)])) {
    if (sections.get(name)) continue;
    const mine = Object.hasOwn(given, name);
    const kept = Object.hasOwn(stored, name);
    if (undeclared === 'as-is') {
      if (mine) value[name] = structuredClone(given[name]);
      continue;
    }
    if (undeclared === 'unchanged' && mine && !(kept && changedPaths(given[name], stored[name]).length === 0)) {
      errors.push({ path: name, message: kept ? NOT_LOADED : 'is not a configuration section' });
    }
    if (kept) value[name] = structuredClone(stored[name]);
  }
  return errors.length ? { ok: false, errors } : { ok: true, value };
}
