/**
 * Request validation with ajv. Each module version gets its own ajv instances (a shared one would
 * keep every compiled schema of every old version alive), and each `validate(spec)` middleware
 * carries its spec so that the OpenAPI document can be built from the routers themselves.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Middleware } from 'koa';
import { HttpError } from './errors.ts';
import type { JSONSchema, RouteSpec, ValidationDetail } from './types.ts';

// ajv-formats is CommonJS: its default import is the module object under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

/**
 * `"x-secret": true` on a string in a schema marks it a secret, shown masked wherever it is shown
 * (kernel/config/masked.ts); `"x-secret": "url"` marks a URL whose credentials and tokens are.
 * An `x-` name, so that OpenAPI tools take it for an extension; registered with every ajv
 * instance, so that a misspelt mark fails when its schema is compiled instead of leaking quietly.
 */
export const SECRET_MARK = 'x-secret';
export type SecretMark = true | 'url';
export const secretKeyword = { keyword: SECRET_MARK, metaSchema: { enum: [true, 'url'] } };

/** The key under which a validation middleware keeps its route spec. */
export const ROUTE_SPEC = Symbol('routeSpec');

export type DocumentedMiddleware = Middleware & { [ROUTE_SPEC]?: RouteSpec };

/** Turns ajv errors into `{path, message}` details rooted at `where` (`body`, `query`, `params`, …). */
export function toDetails(errors: ErrorObject[] | null | undefined, where: string): ValidationDetail[] {
  return (errors ?? []).map((e) => {
    const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (e.keyword === 'required') segments.push(String(e.params.missingProperty));
    if (e.keyword === 'additionalProperties') segments.push(String(e.params.additionalProperty));
    const message = e.keyword === 'additionalProperties' ? 'is not allowed' : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
    return { path: [where, ...segments].join('.'), message };
  });
}

/** An ajv instance with formats; `coerce` turns query and path strings into their declared types. */
export function newAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, coerceTypes: coerce ? 'array' : false });
  addFormats(ajv);
  ajv.addKeyword(secretKeyword);
  return ajv;
}

export interface Validator {
  validate(spec: RouteSpec): DocumentedMiddleware;
  compile<T>(schema: JSONSchema, where?: string): (data: unknown) => T;
}

/** The validation toolkit of one module version. */
export function createValidator(): Validator {
  let strict: Ajv | undefined;
  let coercing: Ajv | undefined;
  const bodyAjv = () => (strict ??= newAjv(false));
  const textAjv = () => (coercing ??= newAjv(true));

  // Compiled on first use: compiling every route's schemas at load was most of a module's load
  // time, and most routes of a reloaded version are never called before the next save.
  const check = (ajv: () => Ajv, schema: JSONSchema, where: string) => {
    let fn: ValidateFunction | undefined;
    return (data: unknown) => {
      fn ??= ajv().compile(schema);
      if (!fn(data)) throw new HttpError(400, 'VALIDATION_ERROR', 'Validation failed', { details: toDetails(fn.errors, where) });
    };
  };

  return {
    validate(spec) {
      const params = spec.params && check(textAjv, spec.params, 'params');
      const query = spec.query && check(textAjv, spec.query, 'query');
      const body = spec.body && check(bodyAjv, spec.body, 'body');
      const middleware: DocumentedMiddleware =
        params || query || body
          ? (c, next) => {
              params?.(c.params ?? {});
              query?.(c.query);
              body?.((c.request as { body?: unknown }).body);
              return next();
            }
          : (_c, next) => next();
      middleware[ROUTE_SPEC] = spec;
      return middleware;
    },
    compile<T>(schema: JSONSchema, where = 'body') {
      const run = check(bodyAjv, schema, where);
      return (data: unknown) => {
        run(data);
        return data as T;
      };
    },
  };
}
