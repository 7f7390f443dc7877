/** Small statistics over samples. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const max = (values: number[]): number => Math.max(...values);

export const min = (values: number[]): number => Math.min(...values);

export const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
