/** JSON and text body parsing with a size cap: malformed JSON is 400 INVALID_JSON, oversize is 413. */
import bodyParser from 'koa-bodyparser';
import type { Middleware } from 'koa';
import { HttpError } from '../errors.ts';

export function body(limit: string): Middleware {
  return bodyParser({
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
}
