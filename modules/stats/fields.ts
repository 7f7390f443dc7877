/** Checks of the fields of events and of parsed lines: any module may publish an event, and files can be edited by hand. */

/** A string field cut to `max`, or null (also for an empty string). */
export const text = (value: unknown, max = 200): string | null => (typeof value === 'string' && value ? value.slice(0, max) : null);

/** A count: a finite number ≥ 0, rounded; anything else is 0. */
export const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

/** `value` is a plain object (not null, not a list). */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` is a string or null. */
export const isText = (value: unknown): value is string | null => value === null || typeof value === 'string';
