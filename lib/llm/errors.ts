/** A failed upstream call, typed so that callers can map it to an envelope and decide on failover. */

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
