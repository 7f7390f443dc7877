/**
 * The one place where answers are shaped: data is wrapped as `{success:true, data}`, every error
 * becomes `{success:false, error, code[, details]}`. Stacks go to the log, never to the client.
 * Strings, buffers and streams (YAML, HTML, SSE) pass through untouched.
 */
import { Stream } from 'node:stream';
import type { Context, Middleware } from 'koa';
import { HttpError } from '../errors.ts';
import { isPlainJson } from './koa-accessors.ts';
import type { Logger } from '../types.ts';

const CODE_BY_STATUS: Record<number, [string, string]> = {
  400: ['VALIDATION_ERROR', 'Bad request'],
  401: ['UNAUTHORIZED', 'Authentication required'],
  403: ['FORBIDDEN', 'Not allowed'],
  404: ['NOT_FOUND', 'Not found'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed'],
  413: ['PAYLOAD_TOO_LARGE', 'Request body is too large'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type'],
  429: ['RATE_LIMITED', 'Too many requests'],
};

const JSON_TYPE = /\bjson\b/i;

/** What Koa sends as it is: text, bytes, and the stream and web types it accepts. */
function isRaw(body: unknown): boolean {
  if (typeof body === 'string') return true;
  // Before the instanceof tests: reading the global Response loads Node's fetch implementation (koa-accessors.ts).
  if (typeof body !== 'object' || body === null || isPlainJson(body)) return false;
  return body instanceof Uint8Array || body instanceof Stream || body instanceof ReadableStream || body instanceof Blob || body instanceof Response;
}

/** Converts anything thrown into an HttpError; unexpected errors become a generic 500. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { status?: number; statusCode?: number; expose?: boolean; message?: string; headers?: Record<string, string> };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const [code, fallback] = CODE_BY_STATUS[status] ?? ['BAD_REQUEST', 'Bad request'];
    return new HttpError(status, code, e.expose && e.message ? e.message : fallback, e.headers ? { headers: e.headers } : {});
  }
  return new HttpError(500, 'INTERNAL_ERROR', 'Internal server error');
}

/**
 * The envelope as JSON text: a string body costs Koa one length, where an object body is checked
 * again on assignment and stringified later anyway.
 */
function sendJson(c: Context, value: unknown): void {
  // Read from the response itself: Koa's `c.type` getter costs more than the test.
  const type = c.res.getHeader('content-type');
  if (typeof type !== 'string' || !JSON_TYPE.test(type)) c.type = 'application/json';
  c.body = JSON.stringify(value);
}

/** Wraps a handler's data in the success envelope; throws when JSON cannot hold it (a BigInt, a cycle). */
function wrapData(c: Context): void {
  // A handler that writes the response itself (respond = false) has nothing to wrap.
  if (c.respond === false || isRaw(c.body)) return;
  if (c.body === undefined || c.body === null) {
    // A handler that matched but set no body answers `data: null` (Koa would say 204/404).
    if ((c as { _matchedRoute?: string })._matchedRoute === undefined) return; // set by @koa/router on a match
    if (c.status === 204 || c.status === 404) c.status = 200;
    sendJson(c, { success: true, data: null });
    return;
  }
  sendJson(c, { success: true, data: c.body });
}

export function envelope(log: Logger): Middleware {
  return async function envelopeMiddleware(c: Context, next) {
    try {
      await next();
      // Inside the try: data that cannot be sent is this request's 500, logged with its module.
      wrapData(c);
    } catch (err) {
      const httpError = toHttpError(err);
      if (httpError.status >= 500) {
        const module = c.state.module ? ` in module "${c.state.module}"` : '';
        log.error(`${c.method} ${c.path} failed${module}: ${(err as Error)?.stack ?? String(err)}`);
      }
      if (c.headerSent || !c.writable) return;
      c.status = httpError.status;
      if (httpError.headers) c.set(httpError.headers);
      sendJson(c, {
        success: false,
        error: httpError.message,
        code: httpError.code,
        ...(httpError.details ? { details: httpError.details } : {}),
        ...httpError.extra,
      });
    }
  };
}
