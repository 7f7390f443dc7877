/**
 * Routes served only because the original plugin had them (docs/api.md#memory), each marked
 * deprecated: its legacy add with the user in the body, batch add, merge, and delete by user and
 * memory, and the target of the original's `GET|DELETE /api/memory/:id`, which also takes a user id there
 * (its legacy `/:userId` forms; ./one.ts). That target has three segments so that it shadows no
 * `DELETE /:userId/:memoryId`.
 */
import { HttpError, requestBody, type ModuleContext, type ModuleRouter } from '../../kernel/index.ts';
import type { MemoryStore } from '../../lib/memory/index.ts';
import { addMemory, type AddInput } from './add.ts';
import { mergeDuplicates } from './merge.ts';
import { oneMemory } from './one.ts';
import { yes } from './request.ts';
import { batchBody, hardQuery, memoryOrUserParams, ownedAddBody, userMemoryParams, userParams } from './schemas.ts';

type OwnedInput = AddInput & { userId: string };

/** Why an item failed its schema, in one line naming the fields. */
const reason = (err: unknown) => (err instanceof HttpError && err.details?.length ? err.details.map((d) => `${d.path}: ${d.message}`).join('; ') : (err as Error).message);

export function registerOriginalRoutes(router: ModuleRouter, ctx: ModuleContext, memories: MemoryStore): void {
  const checkItem = ctx.compile<OwnedInput>(ownedAddBody, 'memory');

  router.post('/', ctx.validate({ summary: 'Add a memory for body.userId (the original\'s legacy form of POST /user/:userId)', body: ownedAddBody, deprecated: true }), async (c) => {
    const { userId, ...input } = requestBody<OwnedInput>(c);
    const { memory, created } = await addMemory(memories, userId, input);
    c.status = created ? 201 : 200;
    c.body = memory;
  });

  router.post(
    '/batch',
    ctx.validate({ summary: 'Add many memories, each with its userId; an invalid item fails alone and is reported in results', body: batchBody, deprecated: true }),
    async (c) => {
      const results = [];
      for (const item of requestBody<{ memories: unknown[] }>(c).memories) {
        try {
          const { userId, ...input } = checkItem(item);
          results.push({ success: true, memory: (await addMemory(memories, userId, input)).memory });
        } catch (err) {
          if (!(err instanceof HttpError) || err.status !== 400) throw err;
          results.push({ success: false, error: reason(err), memory: item });
        }
      }
      const success = results.filter((r) => r.success).length;
      c.body = { total: results.length, success, failed: results.length - success, results };
    },
  );

  router.post(
    '/merge/:userId',
    ctx.validate({ summary: "Merge a user's duplicate memories (same category, group and content; the more confident, then newer one stays)", params: userParams, noBody: true, deprecated: true }),
    async (c) => {
      const { before, mergedCount, deletedCount } = await mergeDuplicates(memories, c.params.userId);
      c.body = { originalCount: before.length, mergedCount, deletedCount };
    },
  );

  const one = oneMemory(memories);
  router.get('/legacy/memory-or-user/:id', ctx.validate({ summary: "Read one memory (mem_… id), or a user's live memories, newest first (the original's GET /api/memory/:id|:userId)", params: memoryOrUserParams, deprecated: true }), one.read);
  router.delete(
    '/legacy/memory-or-user/:id',
    ctx.validate({ summary: "Delete one memory (mem_… id), or clear a user; soft unless hard=true (the original's DELETE /api/memory/:id|:userId)", params: memoryOrUserParams, query: hardQuery, deprecated: true }),
    one.remove,
  );

  router.delete(
    '/:userId/:memoryId',
    ctx.validate({ summary: "Delete one of a user's memories, soft unless hard=true (the original's legacy form of DELETE /:id)", params: userMemoryParams, query: hardQuery, deprecated: true }),
    async (c) => {
      const { userId, memoryId } = c.params;
      // The id names its user; another user's memory is not found under this one.
      if ((await memories.get(memoryId)).userId !== userId) throw new HttpError(404, 'MEMORY_NOT_FOUND', `User "${userId}" has no memory "${memoryId}"`);
      const hard = yes(c.query.hard);
      await memories.remove(memoryId, hard);
      c.body = { success: true, id: memoryId, hard };
    },
  );
}
