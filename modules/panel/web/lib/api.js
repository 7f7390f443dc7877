// The API client. URLs are relative to the page so the panel works under a reverse-proxy
// sub-path; the JWT travels only in the HttpOnly cookie (credentials: 'same-origin').
import { progress } from './progress.js';
import { t } from './i18n.js';

/** An error answer of the API: `message` is the envelope's `error`, `details` its field errors. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || 'HTTP_' + status;
    this.details = body?.details || [];
  }
}

const url = (path) => 'api/' + path.replace(/^\/+/, '');

/** The longest `Retry-After` the panel waits out; past it the 429 is shown as it is. */
const MAX_WAIT_S = 60;
let waiting = 0;
let waitNotice = null;

/** Shows "waiting" for one request until the returned function is called; one notice for all of them. */
function showWait(seconds) {
  waiting += 1;
  if (!waitNotice) {
    waitNotice = document.createElement('div');
    waitNotice.className = 'wait-notice';
    waitNotice.setAttribute('role', 'status');
    document.body.append(waitNotice);
  }
  waitNotice.textContent = t('The server asks to slow down: trying again in {n} s…', { n: seconds });
  return () => {
    if (--waiting > 0) return;
    waitNotice.remove();
    waitNotice = null;
  };
}

/**
 * fetch, but a 429 is waited out once: its `Retry-After` (at least a second), with a notice, then the
 * request is sent again. A refused request never reached its handler, so sending it again is safe.
 */
async function send(path, init) {
  const res = await fetch(url(path), init);
  if (res.status !== 429) return res;
  const seconds = Math.max(1, Math.ceil(Number(res.headers.get('Retry-After')) || 1));
  if (seconds > MAX_WAIT_S) return res;
  const done = showWait(seconds);
  try {
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  } finally {
    done();
  }
  return fetch(url(path), init);
}

/** Sends a request and unwraps `{success, data}`; rejects with ApiError. `body` strings go as YAML. */
export async function api(method, path, body) {
  const headers = {};
  let payload;
  if (typeof body === 'string') {
    headers['Content-Type'] = 'text/yaml';
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const done = progress();
  try {
    let res;
    try {
      res = await send(path, { method, headers, body: payload, credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, { error: 'The server could not be reached', code: 'NETWORK' });
    }
    const type = res.headers.get('content-type') || '';
    if (!type.includes('json')) {
      if (!res.ok) throw new ApiError(res.status, { error: await res.text() });
      return res.text();
    }
    const json = await res.json().catch(() => null);
    if (!res.ok || !json || json.success === false) throw new ApiError(res.status, json);
    return json.data;
  } catch (err) {
    if (err.status === 401) unauthorized(err);
    throw err;
  } finally {
    done();
  }
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const put = (path, body) => api('PUT', path, body ?? {});
export const del = (path) => api('DELETE', path);

let unauthorized = () => {};
/** The shell shows the login hint when the session ends (expired, revoked, logged out). */
export function setUnauthorizedHandler(fn) {
  unauthorized = fn;
}

/**
 * Listens to an SSE endpoint (`{type, ...}` frames). The cookie goes along on the same origin,
 * so no token ever appears in a URL. Returns the close function.
 */
export function listen(path, onEvent, onState) {
  const source = new EventSource(url(path), { withCredentials: true });
  source.onmessage = (e) => {
    try {
      onEvent(JSON.parse(e.data));
    } catch {
      /* a frame that is not JSON is not ours to handle */
    }
  };
  source.onopen = () => onState?.('open');
  source.onerror = () => onState?.(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  return () => source.close();
}

/**
 * POSTs and reads a named-event SSE answer with fetch (EventSource cannot POST). Calls `onFrame`
 * with each `{type, ...}` frame as it arrives; a JSON answer (a refusal) rejects with ApiError.
 */
export async function stream(path, body, onFrame, signal) {
  const done = progress();
  try {
    const res = await send(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
    if (!(res.headers.get('content-type') || '').includes('text/event-stream')) {
      throw new ApiError(res.status, await res.json().catch(() => null));
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buffer += value;
      let cut;
      while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
        const data = block.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        if (data) onFrame(JSON.parse(data));
      }
    }
  } finally {
    done();
  }
}
