/**
 * Merging a user's duplicate memories: `POST /merge/:userId` (the original's) and the first step of
 * `POST /user/:userId/summarize`. Duplicates are live memories of the same category and group that
 * say the same thing (the rule `add` merges by); the more confident, then newer one survives and the
 * others are hard-deleted.
 */
import { isLive, isSimilar, type Memory, type MemoryStore } from '../../lib/memory/index.ts';

export interface MergeResult {
  /** The live memories before the merge. */
  before: Memory[];
  /** Survivors that absorbed at least one duplicate. */
  mergedCount: number;
  /** Duplicates deleted. */
  deletedCount: number;
}

/** Ids of the live memories that repeat a better one, and how many survivors they repeat. */
function duplicatesOf(live: Memory[]): { duplicates: Set<string>; survivorsHit: number } {
  const ranked = [...live].sort((a, b) => b.confidence - a.confidence || b.updatedAt - a.updatedAt);
  const survivors: Memory[] = [];
  const duplicates = new Set<string>();
  const hit = new Set<Memory>();
  for (const m of ranked) {
    const twin = survivors.find((s) => s.category === m.category && s.groupId === m.groupId && isSimilar(s.content, m.content));
    if (twin) {
      duplicates.add(m.id);
      hit.add(twin);
    } else survivors.push(m);
  }
  return { duplicates, survivorsHit: hit.size };
}

/** Deletes the user's duplicate memories in one write. */
export function mergeDuplicates(memories: MemoryStore, userId: string): Promise<MergeResult> {
  return memories.rewrite(userId, (all) => {
    const live = all.filter((m) => isLive(m));
    const { duplicates, survivorsHit } = duplicatesOf(live);
    return { memories: all.filter((m) => !duplicates.has(m.id)), result: { before: live, mergedCount: survivorsHit, deletedCount: duplicates.size } };
  });
}
