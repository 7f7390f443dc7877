/** A failed upstream call, typed so that callers can map it to an envelope and decide on failover. */
import { HttpError } from '../../kernel/index.ts';
import { AddressNotAllowed } from '../net/index.ts';

/**
 * How much upstream text an error message may carry before it is redacted and cut to what is shown
 * (redact.ts). Far more than is shown: a key this first cut splits starts beyond the shown part
 * (keys are at most 4,096 characters), so no piece of a key is ever shown unmasked.
 */
export const RAW_TEXT_LIMIT = 8192;

export type UpstreamErrorKind = 'http' | 'timeout' | 'network' | 'aborted' | 'format';

export class UpstreamError extends Error {
  /** The upstream's HTTP status; 0 when there was no answer (timeout, network, abort). */
  readonly status: number;
  readonly kind: UpstreamErrorKind;

  constructor(kind: UpstreamErrorKind, status: number, message: string) {
    super(message);
    this.name = 'UpstreamError';
    this.kind = kind;
    this.status = status;
  }

  /** The caller aborted: not the channel's fault, so no failover and no error count. */
  get aborted(): boolean {
    return this.kind === 'aborted';
  }
}

/** Pulls a human message out of an upstream error body (OpenAI, Anthropic and Gemini shapes). */
export function upstreamMessage(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown } | Array<{ error?: unknown }>;
    const first = Array.isArray(body) ? body[0] : body;
    const err = first?.error as { message?: unknown } | string | undefined;
    if (typeof err === 'string') return err;
    if (err && typeof err.message === 'string') return err.message;
    if (!Array.isArray(body) && typeof body.message === 'string') return body.message;
  } catch {
    /* not JSON: use the text itself */
  }
  return text.trim() || `upstream answered HTTP ${status}`;
}

/** A short, countable name for a failed call (`http_429`, `timeout`, `blocked`, …), in the usage files and the `upstream-call` event. */
export function errorKind(err: unknown): string {
  if (err instanceof UpstreamError) return err.kind === 'http' ? `http_${err.status}` : err.kind;
  if (err instanceof AddressNotAllowed) return 'blocked';
  return 'internal';
}

/**
 * An upstream failure as every answer shows it: 502 API_ERROR, `<what>: <upstream message>`, with
 * `details: {status, message, kind}` (docs/http.md#status-and-error-codes). Anything else comes back as it is.
 */
export function upstreamFailure(err: unknown, what: string): unknown {
  if (!(err instanceof UpstreamError)) return err;
  return new HttpError(502, 'API_ERROR', `${what}: ${err.message}`, { extra: { details: { status: err.status, message: err.message, kind: err.kind } } });
}
