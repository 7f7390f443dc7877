/**
 * JSON Schema builders for the configuration sections modules declare (`config.ts`): each value with
 * its `default`, objects defaulting to `{}` so that the defaults inside them fill in, and the secret
 * marks the kernel masks by (`x-secret`).
 */
import type { ConfigSections, JSONSchema } from '../kernel/index.ts';

type Props = Record<string, JSONSchema>;

const bounded = (type: string, value: number, minimum: number, maximum?: number): JSONSchema => ({
  type,
  default: value,
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});

export const obj = (properties: Props, extra: JSONSchema = {}): JSONSchema => ({ type: 'object', default: {}, properties, ...extra });
export const bool = (value: boolean): JSONSchema => ({ type: 'boolean', default: value });
export const str = (value: string, extra: JSONSchema = {}): JSONSchema => ({ type: 'string', default: value, ...extra });
export const oneOf = (values: string[], value: string): JSONSchema => ({ type: 'string', enum: values, default: value });
export const int = (value: number, minimum = 0, maximum?: number) => bounded('integer', value, minimum, maximum);
export const num = (value: number, minimum = 0, maximum?: number) => bounded('number', value, minimum, maximum);
export const list = (items: JSONSchema, value: unknown[] = []): JSONSchema => ({ type: 'array', items, default: value });
export const strings = (value: string[] = []): JSONSchema => list({ type: 'string' }, value);
/** QQ user and group ids: numbers in old files, strings in new ones. */
export const ids = (): JSONSchema => list({ type: ['string', 'integer'] });
export const probability = (value: number) => num(value, 0, 1);
export const temperature = (value: number) => num(value, 0, 2);
export const enabledOnly = (value = false) => obj({ enabled: bool(value) });
/** A secret string: a key, a password, a cookie (shown masked). */
export const SECRET = { type: 'string', 'x-secret': true } as const;
/** A URL that may carry credentials or a token (`http://user:pass@host`, `?key=`, `/sse/<token>`): shown with those masked. */
export const SECRET_URL = { type: 'string', 'x-secret': 'url' } as const;

/** Sections as a module declares them, from one schema each. */
export const sections = (schemas: Props): ConfigSections => Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, { schema }]));
