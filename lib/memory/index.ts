/** Long-term memories about users, shared by the memory module and anything that reads them per group. */
export * from './categories.ts';
export * from './store.ts';
export { isSimilar, matcher, MAX_QUERY, MIN_QUERY } from './text.ts';
