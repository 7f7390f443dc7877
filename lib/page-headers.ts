/**
 * Security headers for an HTML page the server writes itself (the panel, the login page): a
 * Content-Security-Policy that lets in the page's own files and its inline blocks by hash (never
 * 'unsafe-inline'), refuses every other source and any framing (`frame-ancestors 'none'`, with
 * X-Frame-Options for browsers that predate it), and nosniff.
 */
import { createHash } from 'node:crypto';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The CSP hashes of the non-empty `<tag>…</tag>` blocks of `html` (a script with `src` has none). */
function inlineHashes(html: string, tag: 'script' | 'style'): string[] {
  const blocks = html.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'gi'));
  return [...blocks].map((m) => m[1]).filter((text) => text.length > 0).map(sha256);
}

/** The headers to send with `html`, which must be the exact page served (its inline blocks are hashed). */
export function pageHeaders(html: string): Record<string, string> {
  const policy = [
    "default-src 'none'",
    ['script-src', "'self'", ...inlineHashes(html, 'script')].join(' '),
    ['style-src', "'self'", ...inlineHashes(html, 'style')].join(' '),
    // data: for the empty favicon (`<link rel="icon" href="data:,">`) that keeps browsers from asking for one.
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { 'Content-Security-Policy': policy, 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff' };
}
