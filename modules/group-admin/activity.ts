/** What happened in a group, read through the shared libraries: its conversations and the memories collected in it. */
import type { ModuleContext, ModuleRouter } from '../../kernel/index.ts';
import { conversationStore } from '../../lib/conversations/index.ts';
import { createMemoryStore, isLive, toCategory } from '../../lib/memory/index.ts';
import { groupRoute } from './guard.ts';
import { conversationsQuery, memoriesQuery } from './schemas.ts';

export function registerActivityRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const group = groupRoute(ctx);
  const conversations = conversationStore(ctx.store);
  const memories = createMemoryStore(ctx.store);
  const count = (v: unknown, fallback: number, max: number) => Math.min(max, typeof v === 'string' && v ? Number(v) : fallback);

  router.get('/:groupId/conversations', ...group("List a group's conversations, newest first", { query: conversationsQuery }), async (c) => {
    c.body = await conversations.list({ groupId: c.params.groupId, limit: count(c.query.limit, 50, 500), offset: count(c.query.offset, 0, Number.MAX_SAFE_INTEGER) });
  });

  router.delete('/:groupId/conversations', ...group("Delete a group's conversations"), async (c) => {
    const { conversations: list } = await conversations.list({ groupId: c.params.groupId, limit: Number.MAX_SAFE_INTEGER });
    let deletedCount = 0;
    for (const conversation of list) if (await conversations.remove(conversation.id)) deletedCount++;
    c.body = { success: true, deletedCount };
  });

  router.get('/:groupId/memories', ...group("List the memories collected in a group, newest first", { query: memoriesQuery }), async (c) => {
    const { category, userId, limit } = c.query as Record<string, string | undefined>;
    const wanted = category ? toCategory(category) : undefined;
    const pool = userId ? await memories.ofUser(userId) : await memories.all();
    c.body = pool
      .filter((m) => isLive(m) && m.groupId === c.params.groupId && (!wanted || m.category === wanted))
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, count(limit, 100, 500));
  });
}
