/**
 * Routes under `/api/group-admin`. The kernel's auth layer already keeps a group admin inside
 * `/api/group-admin/<its group>/`; `ownGroup` checks it again here so that this module stays safe
 * on its own.
 */
import { HttpError, type ModuleContext, type ModuleRouter, type RequestContext } from '../../kernel/index.ts';
import {
  channelBody,
  conversationsQuery,
  memoriesQuery,
  fetchModelsBody,
  groupParams,
  presetBody,
  settingsBody,
  toolsBody,
  triggersBody,
  usageLimitBody,
  userIdBody,
  userListBody,
} from './schemas.ts';
import { isMaster, refuseMasterOnly, type GroupService } from './service.ts';
import { DEFAULT_SETTINGS, deepMerge, getPath, type Settings } from '../../lib/group-settings/index.ts';
import { isMasked, maskKey as mask } from '../../lib/llm/mask.ts';
import { fetchModels, type FetchModelsBody } from './models.ts';
import { conversationStore } from '../../lib/conversations/index.ts';
import { createMemoryStore, isLive, toCategory } from '../../lib/memory/index.ts';

const DEFAULT_LIMIT_MESSAGE = 'The daily usage limit of this group has been reached; please try again tomorrow.';

type Next = () => Promise<unknown>;

/** A group admin may act on its own group only. */
async function ownGroup(c: RequestContext, next: Next) {
  const user = c.state.user;
  if (!isMaster(user) && user?.groupId !== c.params.groupId) {
    throw new HttpError(403, 'FORBIDDEN', `A group admin of group "${user?.groupId}" may not manage group "${c.params.groupId}"`);
  }
  await next();
}

const body = (c: RequestContext) => (c.request as { body?: unknown }).body as Settings;

export function registerRoutes(router: ModuleRouter, ctx: ModuleContext, groups: GroupService): void {
  const group = (summary: string, extra: { body?: Record<string, unknown>; query?: Record<string, unknown> } = {}) => [ctx.validate({ summary, params: groupParams, ...extra }), ownGroup];
  const merged = async (groupId: string) => deepMerge(DEFAULT_SETTINGS, await groups.read(groupId));

  router.get('/', ctx.validate({ summary: 'List the groups the caller may manage' }), async (c) => {
    const user = c.state.user;
    c.body = isMaster(user) ? await groups.list() : [await groups.summary(user!.groupId!)];
  });

  router.get('/:groupId/config', ...group("Read a group's settings"), async (c) => {
    c.body = await groups.view(c.params.groupId, c.state.user);
  });

  router.put('/:groupId/config', ...group("Change a group's settings (deep merge; absent = unchanged)", { body: settingsBody }), async (c) => {
    c.body = await groups.patch(c.params.groupId, body(c), c.state.user);
  });

  router.delete('/:groupId/config', ...group("Reset a group's settings to the defaults"), async (c) => {
    c.body = await groups.reset(c.params.groupId, c.state.user);
  });

  router.get('/:groupId/effective', ...group("A group's settings resolved group → global config → default"), async (c) => {
    c.body = await groups.effective(c.params.groupId, c.state.user);
  });

  for (const key of ['blacklist', 'whitelist'] as const) {
    const save = (groupId: string, fn: (list: string[]) => string[]) =>
      groups.change(groupId, (s) => ({ ...s, [key]: fn(((s[key] as string[] | undefined) ?? []).slice()) }));

    router.get(`/:groupId/${key}`, ...group(`Read a group's user ${key}`), async (c) => {
      c.body = { [key]: (await merged(c.params.groupId))[key] };
    });
    router.put(`/:groupId/${key}`, ...group(`Replace a group's user ${key}`, { body: userListBody(key) }), async (c) => {
      const ids = [...new Set((body(c)[key] as Array<string | number>).map(String))];
      c.body = { [key]: (await save(c.params.groupId, () => ids))[key] };
    });
    router.post(`/:groupId/${key}/add`, ...group(`Add a user to a group's ${key}`, { body: userIdBody }), async (c) => {
      const id = String(body(c).userId);
      c.body = { [key]: (await save(c.params.groupId, (list) => (list.includes(id) ? list : [...list, id])))[key] };
    });
    router.post(`/:groupId/${key}/remove`, ...group(`Remove a user from a group's ${key}`, { body: userIdBody }), async (c) => {
      const id = String(body(c).userId);
      c.body = { [key]: (await save(c.params.groupId, (list) => list.filter((u) => u !== id)))[key] };
    });
  }

  const channelView = async (c: RequestContext) => {
    const ch = (await merged(c.params.groupId)).independentChannel as Settings;
    return {
      groupId: c.params.groupId,
      hasIndependentChannel: !!ch.baseUrl && !!ch.apiKey,
      baseUrl: ch.baseUrl,
      apiKey: mask(ch.apiKey as string),
      adapterType: ch.adapterType,
      modelId: ch.modelId,
      ...(isMaster(c.state.user) ? { forbidGlobal: ch.forbidGlobal } : {}),
    };
  };

  router.get('/:groupId/channel', ...group("Read a group's own upstream channel"), async (c) => {
    c.body = await channelView(c);
  });

  router.put('/:groupId/channel', ...group("Set a group's own upstream channel (omitted or masked fields keep their value)", { body: channelBody }), async (c) => {
    const patch = { ...body(c) };
    refuseMasterOnly(c.state.user, { independentChannel: patch });
    if (!patch.apiKey || isMasked(patch.apiKey)) delete patch.apiKey;
    await groups.change(c.params.groupId, (s) => deepMerge(s, { independentChannel: patch }));
    c.body = await channelView(c);
  });

  router.delete('/:groupId/channel', ...group("Remove a group's own upstream channel (keeps forbidGlobal)"), async (c) => {
    await groups.change(c.params.groupId, (s) => deepMerge(s, { independentChannel: { baseUrl: '', apiKey: '', modelId: '', channels: [] } }));
    c.body = await channelView(c);
  });

  router.post('/:groupId/models/fetch', ...group("List the models of a group's own upstream (sorted ids)", { body: fetchModelsBody }), async (c) => {
    // A client that goes away aborts the upstream call.
    const abort = new AbortController();
    c.res.once('close', () => c.res.writableEnded || abort.abort());
    const channel = (await merged(c.params.groupId)).independentChannel as Settings;
    c.body = await fetchModels(body(c) as unknown as FetchModelsBody, channel, abort.signal);
  });

  const usageLimitView = async (groupId: string) => {
    const limit = (await merged(groupId)).usageLimit as Settings;
    return { groupId, dailyGroupLimit: limit.dailyGroupLimit, dailyUserLimit: limit.dailyUserLimit, limitMessage: limit.limitMessage || DEFAULT_LIMIT_MESSAGE };
  };

  router.get('/:groupId/usage-limit', ...group("Read a group's daily quotas (0 = unlimited)"), async (c) => {
    c.body = await usageLimitView(c.params.groupId);
  });

  router.put('/:groupId/usage-limit', ...group("Set a group's daily quotas", { body: usageLimitBody }), async (c) => {
    await groups.change(c.params.groupId, (s) => deepMerge(s, { usageLimit: body(c) }));
    c.body = await usageLimitView(c.params.groupId);
  });

  const toolsView = async (groupId: string) => {
    const tools = ((await groups.read(groupId)).tools ?? {}) as Settings;
    return {
      enabled: tools.enabled ?? null,
      allowedCategories: tools.allowedCategories ?? null,
      disabledTools: tools.blockedTools ?? null,
      allowDangerous: tools.allowDangerous ?? null,
    };
  };

  router.get('/:groupId/tools', ...group("Read a group's tool switches (null = inherit)"), async (c) => {
    c.body = await toolsView(c.params.groupId);
  });

  router.put('/:groupId/tools', ...group("Set a group's tool switches (null = inherit)", { body: toolsBody }), async (c) => {
    const { disabledTools, ...rest } = body(c);
    const patch = disabledTools === undefined ? rest : { ...rest, blockedTools: disabledTools };
    await groups.change(c.params.groupId, (s) => deepMerge(s, { tools: patch }));
    c.body = await toolsView(c.params.groupId);
  });

  const triggersView = async (groupId: string) => ({ ...(DEFAULT_SETTINGS.triggers as Settings), ...((await groups.read(groupId)).triggers as Settings | undefined) });

  router.get('/:groupId/triggers', ...group("Read a group's triggers (null = inherit)"), async (c) => {
    c.body = await triggersView(c.params.groupId);
  });

  router.put('/:groupId/triggers', ...group("Set a group's triggers (null = inherit)", { body: triggersBody }), async (c) => {
    await groups.change(c.params.groupId, (s) => deepMerge(s, { triggers: body(c) }));
    c.body = await triggersView(c.params.groupId);
  });

  router.get('/:groupId/preset', ...group("Read a group's preset choice ('' = the global default)"), async (c) => {
    c.body = { presetId: getPath(await groups.read(c.params.groupId), 'presetId') ?? '' };
  });

  router.put('/:groupId/preset', ...group("Choose a group's preset (null or '' = the global default)", { body: presetBody }), async (c) => {
    const presetId = body(c).presetId ?? '';
    await groups.change(c.params.groupId, (s) => ({ ...s, presetId }));
    c.body = { presetId };
  });

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
