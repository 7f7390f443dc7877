/**
 * JSON and text body parsing with a size cap: malformed JSON is 400 INVALID_JSON, oversize is 413,
 * JSON nested deeper than the modules can handle is 400 VALIDATION_ERROR (see plain-data.ts).
 * A request without a body (most GETs) skips the parser, which would only find that out slowly.
 */
import bodyParser from 'koa-bodyparser';
import type { Context, Middleware } from 'koa';
import { HttpError } from '../errors.ts';
import { plainDataProblem } from '../plain-data.ts';

/** HTTP/1.1 framing: a request has a body only when it says how long it is or that it is chunked. */
function hasBody(c: Context): boolean {
  const headers = c.req.headers;
  return headers['transfer-encoding'] !== undefined || headers['content-length'] !== undefined;
}

export function body(limit: string): Middleware {
  const parse = bodyParser({
    enableTypes: ['json', 'text', 'form'],
    jsonLimit: limit,
    textLimit: limit,
    formLimit: limit,
    strict: false,
    extendTypes: { text: ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/x-yaml'] },
    onerror(err, c) {
      const e = err as { status?: number; type?: string; message: string };
      if (e.status === 413 || e.type === 'entity.too.large') {
        throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${limit}`);
      }
      if (c.is('json')) throw new HttpError(400, 'INVALID_JSON', `Request body is not valid JSON: ${e.message}`);
      throw new HttpError(e.status && e.status < 500 ? e.status : 400, 'VALIDATION_ERROR', `Request body could not be read: ${e.message}`);
    },
  }) as unknown as Middleware;
  return function bodyMiddleware(c, next) {
    if (hasBody(c)) {
      return parse(c, () => {
        const problem = plainDataProblem((c.request as { body?: unknown }).body);
        if (problem) throw new HttpError(400, 'VALIDATION_ERROR', `Request body: ${problem}`);
        return next();
      });
    }
    (c.request as { body?: unknown }).body = {};
    return next();
  };
}
