/** API keys never leave the server in clear (KERNEL.md §7): `sk-abcdef…wxyz` is shown as `sk-****wxyz`. */

const MARK = '****';

export function mask(key: string): string {
  if (!key) return '';
  if (key.length < 12) return MARK;
  const dash = key.indexOf('-');
  const head = dash > 0 && dash <= 4 ? key.slice(0, dash + 1) : '';
  return `${head}${MARK}${key.slice(-4)}`;
}

/** A masked key sent back in an update means "unchanged" (KERNEL.md §10.14). */
export function isMasked(value: unknown): boolean {
  return typeof value === 'string' && value.includes(MARK);
}
