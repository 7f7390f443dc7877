/**
 * Cross-site request refusal for credentials a browser attaches by itself (docs/http.md#cross-site-requests): a
 * state-changing request that is not authenticated by an `Authorization` header must come from the
 * server's own origin. SameSite=Strict alone lets other ports and sibling subdomains through, since
 * those are the same *site*.
 */
import type { Context } from 'koa';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The `host[:port]` of an origin or URL, or null when it is not one (`null`, garbage). */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * True when `c` may change state on the strength of what the browser sent by itself: a safe method,
 * or `Sec-Fetch-Site: same-origin` (the browser's own verdict, right behind any proxy), or else an
 * `Origin` naming this server's host or `publicUrl`. A request with neither header is not a browser's.
 */
export function isSameOrigin(c: Context, publicUrl: () => string | undefined): boolean {
  if (SAFE_METHODS.has(c.method)) return true;
  const site = c.get('Sec-Fetch-Site');
  if (site) return site === 'same-origin' || site === 'none';
  const origin = c.get('Origin');
  if (!origin) return true;
  const host = hostOf(origin);
  if (host === null) return false;
  const configured = publicUrl();
  return host === c.host || (!!configured && host === hostOf(configured));
}
