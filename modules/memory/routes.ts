/** Routes under `/api/memories` (the original's `/api/memory` aliases them: index.ts). Fixed paths are registered before `/:id`. */
import { requestBody, type ModuleContext, type ModuleRouter } from '../../kernel/index.ts';
import { ALIASES, CATEGORIES, LABELS, SUB_TYPES, isLive, matcher, toCategory, type Memory, type MemoryStore } from '../../lib/memory/index.ts';
import { addMemory, type AddInput } from './add.ts';
import { oneMemory } from './one.ts';
import { yes } from './request.ts';
import {
  addBody,
  groupParams,
  groupQuery,
  hardQuery,
  idParams,
  listQuery,
  searchBody,
  searchQuery,
  summarizeBody,
  updateBody,
  userCategoryParams,
  userGroupParams,
  userParams,
} from './schemas.ts';
import { summarize } from './summarize.ts';

type Query = Record<string, string | undefined>;

const limitOf = (v: unknown, fallback: number, max: number) => Math.min(max, Math.max(1, Number(v ?? fallback) || fallback));
const countBy = <K extends string>(list: Memory[], key: (m: Memory) => K) =>
  list.reduce<Record<string, number>>((acc, m) => ((acc[key(m)] = (acc[key(m)] ?? 0) + 1), acc), {});

/** Applies the list filters of `GET /user/:userId` (and the group views). */
function filter(list: Memory[], q: Query): Memory[] {
  const now = Date.now();
  const category = q.category ? toCategory(q.category) : undefined;
  return list.filter(
    (m) =>
      (yes(q.includeInactive) || isLive(m, now)) &&
      (!category || m.category === category) &&
      (!q.groupId || m.groupId === q.groupId) &&
      (!q.userId || m.userId === q.userId) &&
      (!q.source || m.source === q.source) &&
      (!q.subType || m.subType === q.subType),
  );
}

function tree(list: Memory[]) {
  return Object.fromEntries(
    CATEGORIES.map((c) => {
      const items = list.filter((m) => m.category === c);
      return [c, { label: LABELS[c], items, count: items.length }];
    }),
  );
}

const newestFirst = (a: Memory, b: Memory) => b.updatedAt - a.updatedAt;

export function registerRoutes(router: ModuleRouter, ctx: ModuleContext, memories: MemoryStore): void {
  const liveOf = async (userId: string) => (await memories.ofUser(userId)).filter((m) => isLive(m));

  router.get('/users', ctx.validate({ summary: 'List the users that have memories' }), async (c) => {
    const users = await Promise.all(
      (await memories.userIds()).map(async (userId) => {
        const live = await liveOf(userId);
        const categories = CATEGORIES.filter((cat) => live.some((m) => m.category === cat));
        return { userId, count: live.length, lastUpdate: live[0]?.updatedAt ?? null, categories };
      }),
    );
    c.body = users.filter((u) => u.count > 0).sort((a, b) => (b.lastUpdate ?? 0) - (a.lastUpdate ?? 0));
  });

  router.get('/stats', ctx.validate({ summary: 'Count memories over all users' }), async (c) => {
    const all = await memories.all();
    const live = all.filter((m) => isLive(m));
    c.body = {
      total: live.length,
      inactive: all.length - live.length,
      users: new Set(live.map((m) => m.userId)).size,
      byCategory: { ...Object.fromEntries(CATEGORIES.map((cat) => [cat, 0])), ...countBy(live, (m) => m.category) },
      categories: LABELS,
    };
  });

  router.get('/categories', ctx.validate({ summary: 'List the memory categories, their labels and sub-types' }), (c) => {
    c.body = {
      categories: Object.fromEntries(CATEGORIES.map((cat) => [cat.toUpperCase(), cat])),
      labels: LABELS,
      subTypes: SUB_TYPES,
      aliases: ALIASES,
    };
  });

  const search = async (q: { query: string; userId?: string; groupId?: string; category?: string; limit?: number | string }) => {
    const score = matcher(q.query);
    if (!score) return [];
    const pool = q.userId ? await memories.ofUser(q.userId) : await memories.all();
    return filter(pool, { groupId: q.groupId, category: q.category })
      .map((m) => ({ ...m, score: Math.round(score(m.content) * 1000) / 1000 }))
      .filter((m) => m.score > 0)
      .sort((a, b) => b.score - a.score || b.confidence - a.confidence || newestFirst(a, b))
      .slice(0, limitOf(q.limit, 20, 100));
  };

  router.get('/search', ctx.validate({ summary: 'Search memories (2+ characters; best match first)', query: searchQuery }), async (c) => {
    c.body = await search(c.query as unknown as Parameters<typeof search>[0]);
  });

  router.post('/search', ctx.validate({ summary: 'Search memories, query in the body', body: searchBody }), async (c) => {
    c.body = await search(requestBody(c));
  });

  router.delete('/clear-all', ctx.validate({ summary: 'Delete every memory of every user (hard)' }), async (c) => {
    let deletedCount = 0;
    for (const userId of await memories.userIds()) deletedCount += await memories.clearUser(userId, true);
    c.body = { success: true, deletedCount };
  });

  router.get('/group/:groupId', ctx.validate({ summary: "List a group's memories over all users", params: groupParams, query: groupQuery }), async (c) => {
    const q = c.query as Query;
    c.body = filter(await memories.all(), { ...q, groupId: c.params.groupId }).sort(newestFirst).slice(0, limitOf(q.limit, 100, 500));
  });

  router.get('/user/:userId', ctx.validate({ summary: "List a user's memories (tree by category, or list)", params: userParams, query: listQuery }), async (c) => {
    const q = c.query as Query;
    const list = filter(await memories.ofUser(c.params.userId), q);
    c.body = q.format === 'list' ? list.slice(0, limitOf(q.limit, 100, 500)) : tree(list.slice(0, limitOf(q.limit, 500, 500)));
  });

  router.get('/user/:userId/stats', ctx.validate({ summary: "Count a user's memories", params: userParams }), async (c) => {
    const all = await memories.ofUser(c.params.userId);
    const live = all.filter((m) => isLive(m));
    c.body = {
      userId: c.params.userId,
      total: live.length,
      inactive: all.length - live.length,
      byCategory: countBy(live, (m) => m.category),
      bySource: countBy(live, (m) => m.source),
      lastUpdate: live[0]?.updatedAt ?? null,
    };
  });

  router.get('/user/:userId/category/:category', ctx.validate({ summary: "List a user's memories of one category", params: userCategoryParams }), async (c) => {
    c.body = filter(await memories.ofUser(c.params.userId), { category: c.params.category });
  });

  router.get('/user/:userId/group/:groupId', ctx.validate({ summary: "List a user's memories in one group", params: userGroupParams, query: listQuery }), async (c) => {
    const q = c.query as Query;
    const list = filter(await memories.ofUser(c.params.userId), { ...q, groupId: c.params.groupId });
    c.body = q.format === 'tree' ? tree(list) : list.slice(0, limitOf(q.limit, 100, 500));
  });

  router.post('/user/:userId', ctx.validate({ summary: 'Add a memory (a duplicate of a live one merges into it)', params: userParams, body: addBody }), async (c) => {
    const { memory, created } = await addMemory(memories, c.params.userId, requestBody<AddInput>(c));
    c.status = created ? 201 : 200;
    c.body = memory;
  });

  router.post('/user/:userId/summarize', ctx.validate({ summary: "Merge a user's duplicate memories; with useLLM, condense big categories", params: userParams, body: summarizeBody }), async (c) => {
    // A client that goes away aborts the upstream call.
    const abort = new AbortController();
    c.res.once('close', () => c.res.writableEnded || abort.abort());
    c.body = await summarize(memories, c.params.userId, { useLLM: requestBody<{ useLLM?: boolean } | null>(c)?.useLLM === true, store: ctx.store, config: ctx.config, events: ctx.events, signal: abort.signal });
  });

  router.delete('/user/:userId', ctx.validate({ summary: "Clear a user's memories (soft unless hard=true)", params: userParams, query: hardQuery }), async (c) => {
    const deletedCount = await memories.clearUser(c.params.userId, yes(c.query.hard));
    c.body = { success: true, deletedCount };
  });

  const one = oneMemory(memories);
  router.get('/:id', ctx.validate({ summary: 'Read one memory', params: idParams }), one.read);
  router.delete('/:id', ctx.validate({ summary: 'Delete one memory, soft unless hard=true', params: idParams, query: hardQuery }), one.remove);

  router.put('/:id', ctx.validate({ summary: 'Change one memory', params: idParams, body: updateBody }), async (c) => {
    const patch = requestBody<Partial<Memory>>(c);
    if (patch.content) patch.content = patch.content.trim();
    if (patch.category) patch.category = toCategory(patch.category);
    c.body = await memories.update(c.params.id, patch);
  });
}
