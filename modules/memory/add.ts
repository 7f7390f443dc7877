/** Adding one memory from a validated request (a route's body or a batch item): trimmed content, the category's documented key. */
import { toCategory, type MemoryStore, type NewMemory } from '../../lib/memory/index.ts';

export type AddInput = Omit<NewMemory, 'category'> & { category?: string };

export function addMemory(memories: MemoryStore, userId: string, { content, category, ...rest }: AddInput) {
  return memories.add(userId, { ...rest, content: content.trim(), category: toCategory(category ?? 'custom') });
}
