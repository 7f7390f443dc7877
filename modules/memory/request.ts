/** Reading a validated request's query. */

/** A flag of the query (`true`/`1`; the schemas allow `true|false|1|0`). */
export const yes = (v: unknown) => v === 'true' || v === '1';
