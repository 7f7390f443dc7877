/**
 * Secrets never leave the server in clear: `sk-****abcd` — channel keys, the secret values of
 * the configuration, the credentials inside URLs (docs/http.md#secrets). A masked value sent back
 * means "keep the stored one"; the functions that undo a mask live here, beside the mask.
 */

const MASK = '****';

/** `sk-proj-abc…wxyz` → `sk-****wxyz`; short keys show at most their last two characters. */
export function maskKey(key: string | undefined | null): string {
  if (!key) return '';
  if (key.length < 12) return MASK + (key.length >= 8 ? key.slice(-2) : '');
  const dash = key.indexOf('-');
  const prefix = dash > 0 && dash <= 4 ? key.slice(0, dash + 1) : key.slice(0, 3);
  return `${prefix}${MASK}${key.slice(-4)}`;
}

/** A value the client got from us: sent back in an update, it means "keep the stored key". */
export function isMasked(value: unknown): boolean {
  return typeof value === 'string' && value.includes(MASK);
}

/** `incoming`, or the stored key when `incoming` is its mask; undefined when it is a mask of something else. */
export function unmaskKey(incoming: string, stored: string | undefined): string | undefined {
  if (!isMasked(incoming)) return incoming;
  return stored && maskKey(stored) === incoming ? stored : undefined;
}

/** Credential-shaped text, whoever it belongs to: `Bearer …` / `Basic …`, OpenAI and Anthropic `sk-…`, Google `AIza…`. */
const CREDENTIAL = /\b((?:Bearer|Basic)\s+)([^\s"',;]+)|\b(?:sk-[A-Za-z0-9_-]{8,}|AIza[A-Za-z0-9_-]{20,})/gi;

const maskOnce = (value: string) => (isMasked(value) ? value : maskKey(value));

/**
 * `text` with every credential-shaped piece masked (`Bearer sk-****abcd`), for text that may echo one:
 * an upstream's error (lib/llm/redact.ts), a tool call's record (lib/tool-state/redact.ts).
 */
export function maskCredentials(text: string): string {
  return text.replace(CREDENTIAL, (whole, scheme: string | undefined, token: string | undefined) => (scheme ? scheme + maskOnce(token!) : maskOnce(whole)));
}

// One word of a name (`apiKey` → api, key; `X_AUTH_TOKEN` → x, auth, token) that says "secret".
const SECRET_WORD = /(?:key|token|secret|passw(?:or)?d|pwd|auth|authorization|authentication|credentials?|session|sessdata|cookie|bearer|signature|sig)$/;

/** Whether a setting, variable, header or parameter name says its value is a secret (`apiKey`, `API_KEY`, `access_token`, `password`, `X-Session-Id`). */
export function looksSecret(name: string): boolean {
  return name.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).some((word) => SECRET_WORD.test(word.toLowerCase()));
}

/**
 * Whether a URL piece looks like a random token (`/sse/<token>`, a webhook id, a UUID): 16 or more
 * URL-safe characters mixing at least two of lower case, upper case and digits. Words, slugs
 * (`streamable-http`) and short ids (`v1`, `2024-05-01`) are shown; a random string of that length
 * almost never lacks two of the classes.
 */
function looksOpaque(piece: string): boolean {
  if (piece.length < 16 || !/^[A-Za-z0-9._~+=-]+$/.test(piece)) return false;
  return [/[a-z]/, /[A-Z]/, /[0-9]/].filter((cls) => cls.test(piece)).length >= 2;
}

/** Only `scheme://authority…` text is a URL here, so that prose with a colon is left alone. */
function parseUrl(text: string): URL | undefined {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

type PieceKind = 'password' | 'username' | 'path' | 'query';
interface Piece {
  kind: PieceKind;
  /** The query parameter's name (raw). */
  name: string;
  /** Raw, as it stands in the URL (percent-encoded). */
  value: string;
}

/** The pairs of a query in order, each `name=value` one keyed by its name and occurrence (`key#0`); bare flags have no key. */
function queryPairs(search: string): Array<{ text: string; key?: string; name: string; value: string }> {
  const seen = new Map<string, number>();
  return (search ? search.slice(1).split('&') : []).map((text) => {
    const eq = text.indexOf('=');
    if (eq < 0) return { text, name: text, value: '' };
    const name = text.slice(0, eq);
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return { text, key: `${name}#${n}`, name, value: text.slice(eq + 1) };
  });
}

/** Every piece of a URL that may hold a secret, keyed by its place: `password`, `username`, `path/2`, `query/key#0`. */
function piecesOf(url: URL): Map<string, Piece> {
  const pieces = new Map<string, Piece>();
  if (url.password) pieces.set('password', { kind: 'password', name: '', value: url.password });
  if (url.username) pieces.set('username', { kind: 'username', name: '', value: url.username });
  url.pathname.split('/').forEach((value, i) => value && pieces.set(`path/${i}`, { kind: 'path', name: '', value }));
  for (const { key, name, value } of queryPairs(url.search)) if (key && value) pieces.set(`query/${key}`, { kind: 'query', name, value });
  return pieces;
}

/**
 * The masked form of a piece, or undefined when it is shown: the password always; the user name
 * when there is no password and it looks like a token (`https://<token>@host`); a path segment
 * that looks like a token; a query value whose name says secret or that looks like a token itself.
 */
function maskPiece({ kind, name, value }: Piece, url: URL): string | undefined {
  if (kind === 'password') return MASK;
  let secret = looksOpaque(value);
  if (kind === 'username') secret &&= !url.password;
  if (kind === 'query') secret ||= looksSecret(safeDecode(name));
  return secret ? maskKey(value) : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `url` as text with the pieces at these places replaced (raw values). */
function withPieces(url: URL, replaced: Map<string, string>): string {
  const out = new URL(url.href);
  if (replaced.has('password')) out.password = replaced.get('password')!;
  if (replaced.has('username')) out.username = replaced.get('username')!;
  out.pathname = url.pathname
    .split('/')
    .map((segment, i) => replaced.get(`path/${i}`) ?? segment)
    .join('/');
  if (url.search) {
    const pairs = queryPairs(url.search).map(({ text, key, name }) => {
      const replacement = key && replaced.get(`query/${key}`);
      return replacement ? `${name}=${replacement}` : text;
    });
    out.search = pairs.join('&');
  }
  return out.href;
}

/**
 * A URL as it may be shown: `https://user:****@host/sse/Ab1****wxyz?api_key=sk-****abcd&mode=x`
 * (see maskPiece for which pieces). Text that is not a `scheme://` URL comes back unchanged.
 */
export function maskUrl(text: string): string {
  const url = parseUrl(text);
  if (!url) return text;
  const masked = new Map<string, string>();
  for (const [place, piece] of piecesOf(url)) {
    const shown = maskPiece(piece, url);
    if (shown !== undefined) masked.set(place, shown);
  }
  return masked.size ? withPieces(url, masked) : text;
}

/**
 * `incoming` with every masked piece put back to the stored piece it stands for, so that a URL
 * shown masked can be written back, also with other pieces changed (a new path, another query
 * parameter). Pieces go back only to the same scheme and host: a stored password is never sent to
 * a server the caller just named. Undefined when a masked piece matches nothing stored.
 */
export function unmaskUrl(incoming: string, stored: string | undefined): string | undefined {
  if (!isMasked(incoming)) return incoming;
  if (stored !== undefined && incoming === maskUrl(stored)) return stored;
  const url = parseUrl(incoming);
  if (!url) return incoming; // not a URL: the stars are part of the text
  const before = stored === undefined ? undefined : parseUrl(stored);
  if (!before || before.protocol !== url.protocol || before.host !== url.host) return undefined;
  const storedPieces = piecesOf(before);
  const restored = new Map<string, string>();
  for (const [place, { value }] of piecesOf(url)) {
    if (!isMasked(value)) continue;
    const original = storedPieces.get(place);
    if (!original || maskPiece(original, before) !== value) return undefined;
    restored.set(place, original.value);
  }
  return withPieces(url, restored);
}
