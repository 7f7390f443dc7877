/**
 * Reading and deleting one memory by `:id`. The contract's `GET|DELETE /:id` are given memory ids only
 * (their schema; KERNEL.md §10.7); the deprecated target of the original's `/api/memory/:id`
 * (./original-routes.ts) is also given user ids — the original's legacy `GET|DELETE /api/memory/:userId`,
 * which its numeric memory ids shadowed — and `mem_` ids are never user ids, so one handler serves both.
 */
import type { RequestContext } from '../../kernel/index.ts';
import { MEMORY_ID, isLive, type MemoryStore } from '../../lib/memory/index.ts';
import { yes } from './request.ts';

type IdContext = RequestContext & { params: { id: string } };

const MEMORY = new RegExp(MEMORY_ID);

export function oneMemory(memories: MemoryStore) {
  return {
    /** The memory, or a user's live memories, newest first. */
    async read(c: IdContext) {
      const { id } = c.params;
      c.body = MEMORY.test(id) ? await memories.get(id) : (await memories.ofUser(id)).filter((m) => isLive(m)).slice(0, 100);
    },
    /** Deletes the memory, or clears the user; soft unless `hard=true`. */
    async remove(c: IdContext) {
      const { id } = c.params;
      const hard = yes(c.query.hard);
      c.body = MEMORY.test(id) ? (await memories.remove(id, hard), { success: true, id, hard }) : { success: true, deletedCount: await memories.clearUser(id, hard) };
    },
  };
}
