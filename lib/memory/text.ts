/** Text comparison for memories: when two contents say the same thing, and how well content matches a query. */

/** Case, width, punctuation and spacing do not make two memories different. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}\s]+/gu, '');
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const g = text.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/** Character-bigram Dice similarity above which two contents count as the same memory (works for CJK too). */
const SAME_MEMORY = 0.8;

/** Whether two contents are duplicates: equal once normalised, or nearly so. */
export function isSimilar(a: string, b: string): boolean {
  const na = normalise(a);
  const nb = normalise(b);
  if (na === nb) return true;
  if (na.length < 2 || nb.length < 2) return false;
  const ga = bigrams(na);
  const gb = bigrams(nb);
  let shared = 0;
  for (const [g, n] of ga) shared += Math.min(n, gb.get(g) ?? 0);
  return (2 * shared) / (na.length - 1 + (nb.length - 1)) >= SAME_MEMORY;
}

/** Only this much of a query is used. */
export const MAX_QUERY = 100;
export const MIN_QUERY = 2;

/** A prepared search query; `score` is 0 for no match, higher for a better one. */
export function matcher(query: string): ((content: string) => number) | null {
  const q = query.slice(0, MAX_QUERY).normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  if (q.length < MIN_QUERY) return null;
  const words = [...new Set(q.split(' ').filter((w) => w.length >= MIN_QUERY))];
  const terms = words.length ? words : [q];
  return (content) => {
    const text = content.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
    const found = terms.filter((t) => text.includes(t)).length;
    if (!found) return 0;
    // The whole phrase outranks scattered words; a memory that starts with it ranks higher still.
    const phrase = text.includes(q) ? 1 + (text.startsWith(q) ? 0.5 : 0) : 0;
    return phrase + found / terms.length;
  };
}
