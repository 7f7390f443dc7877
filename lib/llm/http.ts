/**
 * `fetch` for upstream LLM calls: the caller's AbortSignal aborts the request, `timeout.connect`
 * bounds the wait for response headers and `timeout.read` the silence between body chunks, so a
 * hung upstream becomes an UpstreamError, never a hang. Non-2xx answers become UpstreamErrors too.
 */
import { UpstreamError, upstreamMessage } from './errors.ts';
import { maskKey } from './mask.ts';
import type { Endpoint } from './types.ts';

export const DEFAULT_TIMEOUT = { connect: 10_000, read: 60_000 };

export interface UpstreamResponse {
  status: number;
  /** The whole body as text (read timeout applies to each chunk). */
  text(): Promise<string>;
  /** The body parsed as JSON; a non-JSON body is a `format` error. */
  json<T>(): Promise<T>;
  /** The body as decoded text chunks, as they arrive. Breaking out of the loop aborts the request. */
  chunks(): AsyncGenerator<string>;
}

/** The endpoint's key, when given, is masked in error messages: some upstreams echo it back. */
type Timing = Pick<Endpoint, 'timeout' | 'signal'> & { apiKey?: string };

export async function upstreamRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown },
  options: Timing,
): Promise<UpstreamResponse> {
  const connectMs = options.timeout?.connect ?? DEFAULT_TIMEOUT.connect;
  const readMs = options.timeout?.read ?? DEFAULT_TIMEOUT.read;
  const controller = new AbortController();
  let timedOut: 'connect' | 'read' | undefined;
  const onCallerAbort = () => controller.abort();
  const callerSignal = options.signal;
  if (callerSignal?.aborted) throw new UpstreamError('aborted', 0, 'request aborted by the caller');
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  const release = () => callerSignal?.removeEventListener('abort', onCallerAbort);

  const classify = (err: unknown): UpstreamError => {
    if (err instanceof UpstreamError) return err;
    if (callerSignal?.aborted) return new UpstreamError('aborted', 0, 'request aborted by the caller');
    if (timedOut === 'connect') return new UpstreamError('timeout', 0, `upstream did not answer within ${connectMs} ms`);
    if (timedOut === 'read') return new UpstreamError('timeout', 0, `upstream sent nothing for ${readMs} ms`);
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    const reason = cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
    return new UpstreamError('network', 0, `upstream connection failed: ${reason}`);
  };

  const connectTimer = setTimeout(() => {
    timedOut = 'connect';
    controller.abort();
  }, connectMs);
  let res: Response;
  try {
    const headers = { ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(init.body);
    }
    res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, signal: controller.signal });
  } catch (err) {
    release();
    throw classify(err);
  } finally {
    clearTimeout(connectTimer);
  }

  async function* chunks(): AsyncGenerator<string> {
    if (!res.body) {
      release();
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let done = false;
    try {
      while (true) {
        const idle = setTimeout(() => {
          timedOut = 'read';
          controller.abort();
        }, readMs);
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (err) {
          throw classify(err);
        } finally {
          clearTimeout(idle);
        }
        if (step.done) break;
        const text = decoder.decode(step.value, { stream: true });
        if (text) yield text;
      }
      const rest = decoder.decode();
      if (rest) yield rest;
      done = true;
    } finally {
      // A consumer that stops early (client gone) must not leave the upstream request running.
      if (!done) controller.abort();
      release();
    }
  }

  const text = async () => {
    let all = '';
    for await (const chunk of chunks()) all += chunk;
    return all;
  };

  if (res.status < 200 || res.status >= 300) {
    let body = '';
    try {
      body = await text();
    } catch {
      /* the status alone is enough */
    }
    const key = options.apiKey;
    const message = upstreamMessage(body, res.status);
    throw new UpstreamError('http', res.status, key && key.length >= 8 ? message.split(key).join(maskKey(key)) : message);
  }

  return {
    status: res.status,
    text,
    async json<T>() {
      const body = await text();
      try {
        return JSON.parse(body) as T;
      } catch {
        throw new UpstreamError('format', res.status, `upstream answered something that is not JSON: ${body.slice(0, 120)}`);
      }
    },
    chunks,
  };
}
