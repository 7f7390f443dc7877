/**
 * Credentials out of what is recorded about a tool call: a model passes an `Authorization` header to
 * `http_fetch`, a script passes an API key, and the call log must not keep them. A value under a name
 * that says secret (`looksSecret`) is masked at any depth; in every other string, credential-shaped
 * text is: a URL's password and secret query values (also inside a message), `Bearer …`, `sk-…`, and
 * `name: value` or `name=value` pairs whose name says secret (a header line, a query string, JSON text).
 */
import { looksSecret, maskCredentials, maskKey, maskUrl } from '../../kernel/index.ts';

const MASK = '****';
// A name, optionally quoted, then `:` or `=` (not a URL's `://`); and the one value that follows (with its auth scheme).
// A name starts where no name character precedes it: with `\b`, each part of `a-a-a-…` would be tried again (quadratic).
const NAME = /(["']?)(?<![\w-])([A-Za-z][\w-]*)\1\s*[:=]\s*(?!\/\/)["']?/g;
const VALUE = /(?:(?:Bearer|Basic|Digest)\s+)?[^\s"'&,;]+/iy;
// The password of `scheme://user:password@host` anywhere in a text.
const USERINFO = /(\/\/[^/\s:@]+):[^/\s@]+@/g;

/** `text` with credential-shaped parts masked. */
export function redactText(text: string): string {
  return maskCredentials(maskNamedValues(maskUrl(text).replace(USERINFO, `$1:${MASK}@`)));
}

/** Masks the value of each pair whose name says secret (`Authorization: Basic …`, `"password": "…"`, `?api_key=…`). */
function maskNamedValues(text: string): string {
  let out = '';
  let done = 0;
  for (const match of text.matchAll(NAME)) {
    if (match.index < done || !looksSecret(match[2])) continue;
    VALUE.lastIndex = match.index + match[0].length;
    const value = VALUE.exec(text);
    if (!value) continue;
    out += text.slice(done, value.index) + MASK;
    done = value.index + value[0].length;
  }
  return out + text.slice(done);
}

/** A copy of plain data (JSON shapes) with credentials masked; other values are kept as they are. */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, looksSecret(key) ? maskSecret(inner) : redact(inner)]));
}

/** A secret's stand-in: `sk-****abcd` for a string, `****` for anything else that holds a value. */
function maskSecret(value: unknown): unknown {
  if (typeof value === 'string') return maskKey(value);
  return value === null || value === undefined ? value : MASK;
}
