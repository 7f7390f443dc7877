/** YAML documents that once stopped the server (issue 15, items 2 and 3), for the tests of each path that reads YAML. */

/** 2 KB that overflowed the yaml package's stack; the second such request aborted the process. */
export const NESTED_YAML = '['.repeat(1000) + ']'.repeat(1000);

/**
 * A mapping of `count` keys (`key0: 0` …), one a line, the last repeating the first: 40,000 (about
 * 490 KB) took the yaml package's own duplicate-key check 28.7 s. Reading them takes about 0.3 s on
 * an idle machine; tests allow 5 s for a busy one.
 */
export const manyKeys = (count: number, repeatFirst = true) =>
  Array.from({ length: count }, (_, i) => `key${repeatFirst && i === count - 1 ? 0 : i}: ${i}\n`).join('');

/** What a test allows for reading 40,000 keys (see manyKeys). */
export const QUICK_MS = 5_000;
