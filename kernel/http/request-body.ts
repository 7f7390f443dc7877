/** How a module reads the request body that kernel/http/body.ts parsed and its route's schema checked. */
import type { Context } from 'koa';

/** The request body, typed as the route's schema shapes it; `{}` when the request has none (JSON `null` stays `null`). */
export function requestBody<T = Record<string, unknown>>(c: Context): T {
  const { body } = c.request as { body?: unknown };
  return (body === undefined ? {} : body) as T;
}
