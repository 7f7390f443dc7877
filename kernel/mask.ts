/**
 * Secrets never leave the server in clear: `sk-****abcd` — channel keys, and the secret values of
 * the configuration (KERNEL.md §7, §10.14).
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
