/**
 * `POST /user/:userId/summarize`: duplicates are merged (./merge.ts), then, with `useLLM`, every
 * category holding more than five memories is condensed by an LLM: the originals are soft-deleted and
 * the condensed facts stored with `source: "summary"`.
 */
import type { ConfigService, EventBus, Store } from '../../kernel/index.ts';
import { CATEGORIES, isLive, type Category, type Memory, type MemoryStore } from '../../lib/memory/index.ts';
import { chooseChannel, condense } from './condense.ts';
import { mergeDuplicates } from './merge.ts';

/** Categories with more memories than this are condensed. */
const CONDENSE_ABOVE = 5;

const countBy = (list: Memory[]) => Object.fromEntries(CATEGORIES.map((c) => [c, list.filter((m) => m.category === c).length])) as Record<Category, number>;

export async function summarize(memories: MemoryStore, userId: string, deps: { useLLM: boolean; store: Store; config: ConfigService; events: EventBus; signal?: AbortSignal }) {
  // Fail before changing anything when the LLM step cannot run.
  const choice = deps.useLLM ? await chooseChannel(deps.store, deps.config) : undefined;

  const merged = await mergeDuplicates(memories, userId);
  const original = countBy(merged.before);

  const condensed = new Map<Category, { from: Memory[]; facts: string[] }>();
  if (choice) {
    const live = (await memories.ofUser(userId)).filter((m) => isLive(m));
    for (const category of CATEGORIES) {
      const items = live.filter((m) => m.category === category);
      if (items.length <= CONDENSE_ABOVE) continue;
      const facts = await condense(deps, choice, userId, items.map((m) => m.content), deps.signal);
      if (facts.length) condensed.set(category, { from: items, facts });
    }
  }

  if (condensed.size) {
    await memories.rewrite(userId, (all) => {
      const now = Date.now();
      const added: Memory[] = [];
      for (const [category, { from, facts }] of condensed) {
        const ids = new Set(from.map((m) => m.id));
        for (const m of all) {
          if (ids.has(m.id) && isLive(m, now)) Object.assign(m, { isActive: false, updatedAt: now });
        }
        const groups = new Set(from.map((m) => m.groupId));
        for (const content of facts) {
          added.push({
            id: memories.newId(userId),
            userId,
            groupId: groups.size === 1 ? from[0].groupId : null,
            category,
            subType: null,
            content,
            confidence: Math.max(...from.map((m) => m.confidence)),
            source: 'summary',
            metadata: { summarizedFrom: from.map((m) => m.id) },
            createdAt: now,
            updatedAt: now,
            expiresAt: null,
            isActive: true,
          });
        }
      }
      return { memories: [...all, ...added], result: undefined };
    });
  }

  const final = countBy((await memories.ofUser(userId)).filter((m) => isLive(m)));
  const originalCount = merged.before.length;
  const finalCount = Object.values(final).reduce((a, b) => a + b, 0);
  return {
    userId,
    originalCount,
    finalCount,
    mergedCount: merged.deletedCount,
    removedCount: originalCount - finalCount,
    byCategory: Object.fromEntries(
      CATEGORIES.filter((c) => original[c] > 0).map((c) => [c, { count: final[c], original: original[c], summarized: condensed.has(c) }]),
    ),
  };
}
