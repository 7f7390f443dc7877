/**
 * Requests to upstream LLM APIs: the caller's AbortSignal aborts the request, `timeout.connect` bounds
 * the wait for response headers and `timeout.read` the silence between body chunks, so a hung upstream
 * becomes an UpstreamError, never a hang. Non-2xx answers become UpstreamErrors too; redirects are not
 * followed: a base URL that redirects is misconfigured (http for https, a wrong path), and following a
 * 301/302 would turn the POST into a GET. An endpoint with `network` (a base URL a group admin chose)
 * is kept off private networks by lib/net's guard, on a socket of its own.
 *
 * `node:http` rather than `fetch`: undici and WHATWG streams cost ~0.45 ms more to reach the upstream
 * and ~0.2 ms more to the first chunk, on the chat stream's time-to-first-byte. Otherwise no agent is passed:
 * Node's global agents keep connections alive (since Node 19) and are process-wide, so a module reload
 * reuses the same pool instead of opening another.
 */
import http from 'node:http';
import https from 'node:https';
import { AddressNotAllowed, guardRequest } from '../net/index.ts';
import { RAW_TEXT_LIMIT, UpstreamError, upstreamMessage } from './errors.ts';
import type { Endpoint } from './types.ts';

export const DEFAULT_TIMEOUT = { connect: 10_000, read: 60_000 };
/** How long a body the consumer stopped reading may take to end before the request is cut. */
const END_GRACE_MS = 50;

export interface UpstreamResponse {
  status: number;
  /** The whole body as text (read timeout applies to each chunk). */
  text(): Promise<string>;
  /** The body parsed as JSON; a non-JSON body is a `format` error. */
  json<T>(): Promise<T>;
  /** The body as decoded text chunks, as they arrive. Breaking out of the loop aborts the request (see `END_GRACE_MS`). */
  chunks(): AsyncGenerator<string>;
}

/** Upstream text in error messages is not masked here: see redact.ts, which every adapter's failure passes. */
type Options = Pick<Endpoint, 'timeout' | 'signal' | 'network'>;

/** What `fetch` sent by default, kept so that upstreams (and proxies before them) see the same request. */
const DEFAULT_HEADERS = { accept: '*/*', 'user-agent': 'node' };

export async function upstreamRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown },
  options: Options,
): Promise<UpstreamResponse> {
  const connectMs = options.timeout?.connect ?? DEFAULT_TIMEOUT.connect;
  const readMs = options.timeout?.read ?? DEFAULT_TIMEOUT.read;
  const callerSignal = options.signal;
  if (callerSignal?.aborted) throw new UpstreamError('aborted', 0, 'request aborted by the caller');
  let timedOut: 'connect' | 'read' | undefined;
  let req: http.ClientRequest | undefined;
  let res: http.IncomingMessage | undefined;
  const abort = () => {
    res?.destroy();
    req?.destroy();
  };
  callerSignal?.addEventListener('abort', abort, { once: true });
  const release = () => callerSignal?.removeEventListener('abort', abort);

  const classify = (err: unknown): UpstreamError | AddressNotAllowed => {
    if (err instanceof UpstreamError || err instanceof AddressNotAllowed) return err;
    if (callerSignal?.aborted) return new UpstreamError('aborted', 0, 'request aborted by the caller');
    if (timedOut === 'connect') return new UpstreamError('timeout', 0, `upstream did not answer within ${connectMs} ms`);
    if (timedOut === 'read') return new UpstreamError('timeout', 0, `upstream sent nothing for ${readMs} ms`);
    const reason = (err as { code?: string })?.code ?? (err as Error)?.message ?? String(err);
    return new UpstreamError('network', 0, `upstream connection failed: ${reason}`);
  };

  const connectTimer = setTimeout(() => {
    timedOut = 'connect';
    abort();
  }, connectMs);
  try {
    res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const target = new URL(url);
      const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
      if (!client) throw new Error(`unsupported protocol ${target.protocol}`);
      const headers: Record<string, string | number> = { ...DEFAULT_HEADERS, ...init.headers };
      let body: string | undefined;
      if (init.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(init.body);
        headers['content-length'] = Buffer.byteLength(body);
      }
      const guard = options.network ? guardRequest(target, options.network) : {};
      req = client.request(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, ...guard }, resolve);
      // Stays attached for the whole exchange: a socket error after the headers is emitted here too.
      req.on('error', reject);
      req.end(body);
    });
  } catch (err) {
    release();
    throw classify(err);
  } finally {
    clearTimeout(connectTimer);
  }
  const answer = res;
  const status = answer.statusCode ?? 0;

  async function* chunks(): AsyncGenerator<string> {
    answer.setEncoding('utf8'); // decodes characters split across chunks
    // Not destroyed on return: see the `finally` below.
    const body = answer.iterator({ destroyOnReturn: false }) as AsyncIterator<string>;
    const onSilence = () => {
      timedOut = 'read';
      abort();
    };
    let done = false;
    try {
      while (true) {
        const idle = setTimeout(onSilence, readMs);
        let step: IteratorResult<string>;
        try {
          step = await body.next();
        } catch (err) {
          throw classify(err);
        } finally {
          clearTimeout(idle);
        }
        if (step.done) break;
        if (step.value) yield step.value;
      }
      done = true;
    } finally {
      if (!done) {
        await body.return?.();
        // Stopped early. At OpenAI's `[DONE]` the body is over or nearly so: drained, the connection is
        // kept. A consumer that gave up mid-answer must not leave the upstream request running: it is cut.
        if (!answer.readableEnded && !answer.destroyed) {
          const cut = setTimeout(abort, END_GRACE_MS);
          answer.once('end', () => clearTimeout(cut)).resume();
        }
      }
      release();
    }
  }

  const text = async () => {
    let all = '';
    for await (const chunk of chunks()) all += chunk;
    return all;
  };

  if (status < 200 || status >= 300) {
    let body = '';
    try {
      for await (const chunk of chunks()) {
        body += chunk;
        if (body.length >= RAW_TEXT_LIMIT) break; // enough to say what failed; an endless body is not read
      }
    } catch {
      /* the status alone is enough */
    }
    const message = status >= 300 && status < 400 ? `upstream redirected (HTTP ${status} to ${answer.headers.location ?? 'nowhere'}); redirects are not followed: check the base URL` : upstreamMessage(body.slice(0, RAW_TEXT_LIMIT), status);
    throw new UpstreamError('http', status, message);
  }

  return {
    status,
    text,
    async json<T>() {
      const body = await text();
      try {
        return JSON.parse(body) as T;
      } catch {
        throw new UpstreamError('format', status, `upstream answered something that is not JSON: ${body.slice(0, RAW_TEXT_LIMIT)}`);
      }
    },
    chunks,
  };
}
