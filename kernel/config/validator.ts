/**
 * A configuration section's schema compiled to a validating function. Compiling the configuration's
 * schemas (about 180 KB of generated code) took 150-300 ms of every start, so the generated code is
 * kept under node_modules/.cache, named after the schema, the options and the ajv version, and loaded
 * from there as long as none of them changes. Within a process a schema is compiled once: a module
 * reloaded with the same sections gets the same functions.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { JSONSchema } from '../types.ts';
import { secretKeyword } from '../validate.ts';

const OPTIONS = { allErrors: true, strict: false, useDefaults: true };

const require = createRequire(import.meta.url);
const compiled = new Map<string, ValidateFunction>();
// One instance for every section: a new one costs more than most compiles (it compiles the meta-schemas).
let compiler: Ajv | undefined;

/** The validator of `schema`: `default`s filled in, every error reported. Throws when `schema` is not a valid schema. */
export function compileSection(schema: JSONSchema): ValidateFunction {
  const ajvManifest = require.resolve('ajv/package.json');
  const { version } = require(ajvManifest) as { version: string };
  const key = createHash('sha256').update(JSON.stringify([version, OPTIONS, schema])).digest('hex').slice(0, 16);
  const known = compiled.get(key);
  if (known) return known;
  const file = path.join(path.dirname(ajvManifest), '..', '.cache', 'chatai-kernel', `config-validator-${key}.cjs`);
  if (existsSync(file)) {
    try {
      const cached = require(file) as ValidateFunction;
      compiled.set(key, cached);
      return cached;
    } catch {
      // An unreadable cache file is written again below.
    }
  }

  if (!compiler) {
    compiler = new Ajv({ ...OPTIONS, code: { source: true } });
    compiler.addKeyword(secretKeyword);
  }
  const standaloneCode = require('ajv/dist/standalone').default as (ajv: Ajv, validate: ValidateFunction) => string;
  let validate: ValidateFunction;
  let code: string;
  try {
    validate = compiler.compile(schema);
    code = standaloneCode(compiler, validate);
  } finally {
    // The instance keeps no schema: none holds on to another, and a changed one may reuse its `$id`.
    compiler.removeSchema(schema);
  }
  compiled.set(key, validate);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // Written aside and renamed: parallel starts never load half a file.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, file);
  } catch {
    // A read-only node_modules: the schema is compiled on each start instead.
  }
  return validate;
}
