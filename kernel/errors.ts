/** An error meant for the client: rendered once, by the envelope middleware, as `{success:false, error, code}`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: Array<{ path: string; message: string }>;
  readonly headers?: Record<string, string>;
  /** Extra fields merged into the error envelope (e.g. `{ upstreamStatus: 429 }`). */
  readonly extra?: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: { details?: Array<{ path: string; message: string }>; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = opts.details;
    this.headers = opts.headers;
    this.extra = opts.extra;
  }
}

/** Shorthand for the common 404 of a module resource: `notFound('PRESET_NOT_FOUND', 'No preset "x"')`. */
export function notFound(code: string, message: string): HttpError {
  return new HttpError(404, code, message);
}

/** 400 VALIDATION_ERROR for one field. */
export function badRequest(message: string, path?: string): HttpError {
  return new HttpError(400, 'VALIDATION_ERROR', message, path ? { details: [{ path, message }] } : {});
}
