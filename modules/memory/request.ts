/** Reading a validated request: its body, and a query flag. */
import type { RequestContext } from '../../kernel/index.ts';

/** A flag of the query (`true`/`1`; the schemas allow `true|false|1|0`). */
export const yes = (v: unknown) => v === 'true' || v === '1';

/** The request body the route's schema checked (`{}` for none). */
export const body = <T>(c: RequestContext) => ((c.request as { body?: unknown }).body ?? {}) as T;
