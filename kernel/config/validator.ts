/**
 * The configuration schema compiled to a validating function. Compiling it (about 180 KB of
 * generated code) took 150-300 ms of every start, so the generated code is kept under
 * node_modules/.cache, named after the schema, the options and the ajv version, and loaded from
 * there as long as none of them changes.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { secretKeyword } from '../validate.ts';
import { CONFIG_SCHEMA } from './schema.ts';

const OPTIONS = { allErrors: true, strict: false, useDefaults: true };

/** The validator of CONFIG_SCHEMA: `default`s filled in, every error reported. */
export function configValidator(): ValidateFunction {
  const require = createRequire(import.meta.url);
  const ajvManifest = require.resolve('ajv/package.json');
  const { version } = require(ajvManifest) as { version: string };
  const key = createHash('sha256').update(JSON.stringify([version, OPTIONS, CONFIG_SCHEMA])).digest('hex').slice(0, 16);
  const file = path.join(path.dirname(ajvManifest), '..', '.cache', 'chatai-kernel', `config-validator-${key}.cjs`);
  if (existsSync(file)) {
    try {
      return require(file) as ValidateFunction;
    } catch {
      // An unreadable cache file is written again below.
    }
  }

  const ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  ajv.addKeyword(secretKeyword);
  const validate = ajv.compile(CONFIG_SCHEMA);
  const standaloneCode = require('ajv/dist/standalone').default as (ajv: Ajv, validate: ValidateFunction) => string;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // Written aside and renamed: parallel starts never load half a file.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, standaloneCode(ajv, validate));
    renameSync(temp, file);
  } catch {
    // A read-only node_modules: the schema is compiled on each start instead.
  }
  return validate;
}
