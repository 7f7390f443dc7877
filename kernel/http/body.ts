/**
 * Body parsing with a size cap: malformed JSON is 400 INVALID_JSON, oversize is 413, JSON nested
 * deeper than the modules can handle is 400 VALIDATION_ERROR (see plain-data.ts). A body is read
 * only in a content type its route documents (`consumes`, JSON by default; YAML as `text/yaml` or
 * `application/yaml`), anything else is 415: a form or `text/plain` post is what another site can
 * send without a preflight, so accepting one would let it change state with the visitor's cookie.
 * A request without a body (most GETs) skips the parser, which would only find that out slowly.
 * A route with `bodyErrors` answers these refusals itself (a protocol with its own error format);
 * the handler still never runs on a body that was refused.
 */
import bodyParser from 'koa-bodyparser';
import type { Context, Middleware } from 'koa';
import { HttpError } from '../errors.ts';
import { routeOf } from '../modules/route.ts';
import { plainDataProblem } from '../plain-data.ts';
import type { RouteSpec } from '../types.ts';

/** HTTP/1.1 framing: a request has a body only when it says how long it is or that it is chunked. */
function hasBody(c: Context): boolean {
  const headers = c.req.headers;
  return headers['transfer-encoding'] !== undefined || headers['content-length'] !== undefined;
}

/** An empty body with no type (what `fetch` sends for a bare POST): nothing to read, and nothing to refuse. */
const isBare = (c: Context) => c.req.headers['content-length'] === '0' && !c.req.headers['content-type'];

/** The parser's `next`: the caller goes on once the body has been checked. */
const parsed = () => Promise.resolve();

const YAML_TYPES = ['text/yaml', 'application/yaml'];

/** The media types (type-is patterns) a route reads: JSON by default, a YAML type stands for both. */
function acceptedTypes(spec: RouteSpec | undefined): string[] {
  return (spec?.consumes ?? ['application/json']).flatMap((t) => (t === 'application/json' ? ['json'] : YAML_TYPES.includes(t) ? YAML_TYPES : [t]));
}

export function body(limit: string): Middleware {
  const parse = bodyParser({
    enableTypes: ['json', 'text'],
    jsonLimit: limit,
    textLimit: limit,
    strict: false,
    extendTypes: { text: YAML_TYPES },
    onerror(err, c) {
      const e = err as { status?: number; type?: string; message: string };
      if (e.status === 413 || e.type === 'entity.too.large') {
        throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${limit}`);
      }
      if (c.is('json')) throw new HttpError(400, 'INVALID_JSON', `Request body is not valid JSON: ${e.message}`);
      throw new HttpError(e.status && e.status < 500 ? e.status : 400, 'VALIDATION_ERROR', `Request body could not be read: ${e.message}`);
    },
  }) as unknown as Middleware;

  /** Reads the body of `c` for the route `spec`, or throws the refusal (415, 413, 400). */
  async function read(c: Context, spec: RouteSpec | undefined): Promise<void> {
    if (!c.is(acceptedTypes(spec))) {
      const sent = c.get('Content-Type') || 'none';
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type ${sent} is not accepted here; send ${(spec?.consumes ?? ['application/json']).join(' or ')}`);
    }
    await parse(c, parsed);
    const problem = plainDataProblem((c.request as { body?: unknown }).body);
    if (problem) throw new HttpError(400, 'VALIDATION_ERROR', `Request body: ${problem}`);
  }

  return function bodyMiddleware(c, next) {
    if (hasBody(c) && !isBare(c)) {
      const spec = routeOf(c)?.spec;
      const answer = spec?.bodyErrors;
      // Only the reading's refusal goes to the route's own answer, never an error of the handler.
      return read(c, spec).then(() => next(), answer && ((err: unknown) => {
        if (!(err instanceof HttpError)) throw err;
        answer(c, err);
      }));
    }
    (c.request as { body?: unknown }).body = {};
    return next();
  };
}
