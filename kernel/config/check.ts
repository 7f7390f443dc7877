/** Checks a candidate configuration against the schema and fills in the defaults. */
import { toDetails, type Detail } from '../validate.ts';
import { FORBIDDEN_MESSAGE, findForbiddenKey, getAt, isPlainObject, type JsonObject } from './paths.ts';
import { SECRET_PATHS } from './schema.ts';
import { configValidator } from './validator.ts';

const validateSchema = configValidator();

export type CheckResult = { ok: true; value: JsonObject } | { ok: false; errors: Detail[] };

/** Problems that are not about values: not an object, prototype keys, secrets. */
function structuralErrors(candidate: unknown): Detail[] {
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
export function checkConfig(candidate: unknown): CheckResult {
  const structural = structuralErrors(candidate);
  if (structural.length) return { ok: false, errors: structural };
  const value = structuredClone(candidate) as JsonObject;
  if (validateSchema(value)) return { ok: true, value };
  // Rooted at "$" then stripped, so a path is the configuration path itself.
  const errors = toDetails(validateSchema.errors, '$').map((d) => {
    const path = d.path.replace(/^\$\.?/, '');
    const unknownSection = d.message === 'is not allowed' && !path.includes('.');
    return { path, message: unknownSection ? 'is not a configuration section' : d.message };
  });
  return { ok: false, errors };
}

/** The whole default configuration. */
export function defaultConfig(): JsonObject {
  const result = checkConfig({});
  if (!result.ok) throw new Error('the configuration schema rejects its own defaults');
  return result.value;
}
