/** The settings routes under `/api/group-admin`: the whole page, its effective values and its parts. */
import { isMasked, maskKey as mask, requestBody, type ModuleContext, type ModuleRouter, type RequestContext } from '../../kernel/index.ts';
import { DEFAULT_SETTINGS, GROUP_ID_PATTERN, deepMerge, getPath, type Settings } from '../../lib/group-settings/index.ts';
import { limitOf } from '../../lib/group-usage/index.ts';
import { readToolSettings } from '../../lib/tool-state/settings.ts';
import { requireKeysForNewUrl } from './channel-keys.ts';
import { groupRoute } from './guard.ts';
import { fetchModels, type FetchModelsBody } from './models.ts';
import {
  channelBody,
  fetchModelsBody,
  presetBody,
  settingsBody,
  toolsBody,
  triggersBody,
  usageLimitBody,
  userIdBody,
  userListBody,
} from './schemas.ts';
import { isMaster, refuseMasterOnly, type GroupService } from './service.ts';

const validGroupId = (id: string | undefined) => !!id && new RegExp(GROUP_ID_PATTERN).test(id);

export function registerRoutes(router: ModuleRouter, ctx: ModuleContext, groups: GroupService): void {
  const group = groupRoute(ctx);
  const merged = async (groupId: string) => deepMerge(DEFAULT_SETTINGS, await groups.read(groupId));

  router.get('/', ctx.validate({ summary: 'List the groups the caller may manage', groupAdmin: true }), async (c) => {
    const user = c.state.user;
    if (isMaster(user)) c.body = await groups.list();
    // A token bound to an id no group can have (a hand-made login link) manages nothing.
    else c.body = validGroupId(user?.groupId) ? [await groups.summary(user!.groupId!)] : [];
  });

  router.get('/:groupId/config', ...group("Read a group's settings"), async (c) => {
    c.body = await groups.view(c.params.groupId, c.state.user);
  });

  router.put('/:groupId/config', ...group("Change a group's settings (deep merge; absent = unchanged)", { body: settingsBody }), async (c) => {
    c.body = await groups.patch(c.params.groupId, requestBody<Settings>(c), c.state.user);
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
      const ids = [...new Set((requestBody<Settings>(c)[key] as Array<string | number>).map(String))];
      c.body = { [key]: (await save(c.params.groupId, () => ids))[key] };
    });
    router.post(`/:groupId/${key}/add`, ...group(`Add a user to a group's ${key}`, { body: userIdBody }), async (c) => {
      const id = String(requestBody<Settings>(c).userId);
      c.body = { [key]: (await save(c.params.groupId, (list) => (list.includes(id) ? list : [...list, id])))[key] };
    });
    router.post(`/:groupId/${key}/remove`, ...group(`Remove a user from a group's ${key}`, { body: userIdBody }), async (c) => {
      const id = String(requestBody<Settings>(c).userId);
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
    const patch = { ...requestBody<Settings>(c) };
    refuseMasterOnly(c.state.user, { independentChannel: patch });
    if (!patch.apiKey || isMasked(patch.apiKey)) delete patch.apiKey;
    await groups.change(c.params.groupId, (s) => {
      const next = deepMerge(s, { independentChannel: patch });
      requireKeysForNewUrl(s.independentChannel as Settings | undefined, next.independentChannel as Settings, patch, 'body');
      return next;
    });
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
    c.body = await fetchModels(ctx, c.params.groupId, requestBody<Settings>(c) as unknown as FetchModelsBody, channel, readToolSettings(ctx.config).fetch, abort.signal);
  });

  const usageLimitView = async (groupId: string) => {
    const { dailyGroupLimit, dailyUserLimit, limitMessage } = limitOf(await merged(groupId));
    return { groupId, dailyGroupLimit, dailyUserLimit, limitMessage };
  };

  router.get('/:groupId/usage-limit', ...group("Read a group's daily quotas (0 = unlimited)"), async (c) => {
    c.body = await usageLimitView(c.params.groupId);
  });

  router.put('/:groupId/usage-limit', ...group("Set a group's daily quotas", { body: usageLimitBody }), async (c) => {
    await groups.change(c.params.groupId, (s) => deepMerge(s, { usageLimit: requestBody<Settings>(c) }));
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
    const { disabledTools, ...rest } = requestBody<Settings>(c);
    const patch = disabledTools === undefined ? rest : { ...rest, blockedTools: disabledTools };
    await groups.change(c.params.groupId, (s) => deepMerge(s, { tools: patch }));
    c.body = await toolsView(c.params.groupId);
  });

  const triggersView = async (groupId: string) => ({ ...(DEFAULT_SETTINGS.triggers as Settings), ...((await groups.read(groupId)).triggers as Settings | undefined) });

  router.get('/:groupId/triggers', ...group("Read a group's triggers (null = inherit)"), async (c) => {
    c.body = await triggersView(c.params.groupId);
  });

  router.put('/:groupId/triggers', ...group("Set a group's triggers (null = inherit)", { body: triggersBody }), async (c) => {
    await groups.change(c.params.groupId, (s) => deepMerge(s, { triggers: requestBody<Settings>(c) }));
    c.body = await triggersView(c.params.groupId);
  });

  router.get('/:groupId/preset', ...group("Read a group's preset choice ('' = the global default)"), async (c) => {
    c.body = { presetId: getPath(await groups.read(c.params.groupId), 'presetId') ?? '' };
  });

  router.put('/:groupId/preset', ...group("Choose a group's preset (null or '' = the global default)", { body: presetBody }), async (c) => {
    const presetId = requestBody<Settings>(c).presetId ?? '';
    await groups.change(c.params.groupId, (s) => ({ ...s, presetId }));
    c.body = { presetId };
  });
}
