/**
 * HTTP(S) requests on behalf of an LLM. Unless private networks are allowed, every host is checked
 * after DNS resolution (lib/net's guard) and again on every redirect, which is followed by hand.
 * Reading stops at `maxBytes`; the whole exchange, redirects included, gives up after `timeoutMs`.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { HttpError } from '../../../kernel/index.ts';
import { guardRequest, type NetworkPolicy } from '../../../lib/net/index.ts';

export interface FetchOptions extends NetworkPolicy {
  method: string;
  headers: Record<string, string>;
  body?: string;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  signal?: AbortSignal;
}

export interface FetchResult {
  url: string;
  finalUrl: string;
  redirects: string[];
  status: number;
  statusText: string;
  headers: Record<string, string>;
  contentType: string;
  body: Buffer;
  truncated: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers the caller may not set: they belong to the connection, or (accept-encoding) would bring a body we cannot read. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive', 'proxy-connection', 'accept-encoding']);
/** Credentials that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

function parseUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new HttpError(400, 'INVALID_ARGS', `Not a URL: "${text}"`, { details: [{ path: 'args.url', message: 'is not a URL' }] });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    if (base) throw new HttpError(403, 'URL_NOT_ALLOWED', `Refusing to follow a redirect to ${url.protocol} URL`);
    throw new HttpError(400, 'INVALID_ARGS', 'Only http and https URLs can be fetched', { details: [{ path: 'args.url', message: 'must be an http or https URL' }] });
  }
  if (url.username || url.password) throw new HttpError(400, 'INVALID_ARGS', 'URLs with credentials are not fetched', { details: [{ path: 'args.url', message: 'must not contain credentials' }] });
  return url;
}

function cleanHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !RESERVED_HEADERS.has(k.toLowerCase())));
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export async function safeFetch(urlText: string, opts: FetchOptions): Promise<FetchResult> {
  const start = parseUrl(urlText);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout.signal, opts.signal]) : timeout.signal;
  const redirects: string[] = [];
  let url = start;
  let method = opts.method;
  let body = opts.body;
  let headers = cleanHeaders(opts.headers);
  try {
    for (;;) {
      const res = await send(url, method, headers, body, guardRequest(url, opts), signal);
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode ?? 0) || !location) {
        const { data, truncated } = await readCapped(res, method === 'HEAD' ? 0 : opts.maxBytes, signal);
        return {
          url: start.href, finalUrl: url.href, redirects, status: res.statusCode ?? 0, statusText: res.statusMessage ?? '',
          headers: flatHeaders(res), contentType: res.headers['content-type'] ?? '', body: data, truncated,
        };
      }
      res.destroy();
      if (redirects.length >= opts.maxRedirects) throw new HttpError(502, 'FETCH_FAILED', `Too many redirects (more than ${opts.maxRedirects}) from ${start.href}`);
      const next = parseUrl(location, url);
      if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
      }
      if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.has(k.toLowerCase())));
      redirects.push(next.href);
      url = next;
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (timeout.signal.aborted) throw new HttpError(504, 'TIMEOUT', `Gave up on ${url.href} after ${opts.timeoutMs} ms`);
    if (opts.signal?.aborted) throw new Error('The caller went away');
    const e = err as NodeJS.ErrnoException;
    throw new HttpError(502, 'FETCH_FAILED', `Could not fetch ${url.href}: ${e.code ? `${e.code} ` : ''}${e.message}`);
  } finally {
    clearTimeout(timer);
  }
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, guard: ReturnType<typeof guardRequest>, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method,
      // No pooled sockets: each hop connects (and is checked) afresh.
      agent: false,
      headers: { 'user-agent': 'chatai-fetch/1.0', accept: '*/*', 'accept-encoding': 'identity', ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      ...guard,
      signal,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

function readCapped(res: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<{ data: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = () => {
      res.destroy();
      reject(new Error('aborted'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = (truncated: boolean) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ data: Buffer.concat(chunks, size), truncated });
    };
    res.on('data', (chunk: Buffer) => {
      if (size + chunk.length > maxBytes) {
        chunks.push(chunk.subarray(0, maxBytes - size));
        size = maxBytes;
        res.destroy();
        finish(true);
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    res.once('end', () => finish(false));
    res.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
  });
}
