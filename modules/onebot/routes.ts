/**
 * `/api/bots` (docs/bot.md#api): the bots and forward connections with their counters, the
 * forward connections managed in `onebot.connections` (through the configuration, so its
 * validation and history apply), a test message, and the reverse URL to paste (never the token).
 */
import { HttpError, badRequest, maskKey, maskUrl, notFound, requestBody, type ModuleContext, type ModuleRouter, type RequestContext } from '../../kernel/index.ts';
import { ActionError, callAction } from './actions.ts';
import { actionSocket, listBots, liveBots } from './bots.ts';
import { seenAccounts } from './connections.ts';
import { forwardConnections, type ForwardConnection } from './forward.ts';
import { REVERSE_PATH } from './reverse.ts';
import { connectionBody, connectionParams, selfIdParams, sendBody, type SendBody } from './schemas.ts';
import { text } from './segments.ts';
import { sendMessage } from './send.ts';

const shown = (c: ForwardConnection) => ({ id: c.id, url: maskUrl(c.url), ...(c.accessToken ? { accessToken: maskKey(c.accessToken) } : {}) });

/** The URL an implementation on the other side dials: `web.publicUrl`'s, else the one this request came to. */
function reverseUrl(c: RequestContext, ctx: ModuleContext): string {
  const base = (ctx.config.get<string | undefined>('web.publicUrl') || `${c.protocol}://${c.host}`).replace(/\/+$/, '');
  return base.replace(/^http/, 'ws') + REVERSE_PATH;
}

interface GroupEntry {
  groupId: string;
  name: string;
  memberCount: number | null;
  /** The connected bots in the group. */
  selfIds: string[];
}

/** The groups the connected bots are in, each asked with `get_group_list`; a bot that fails to answer is left out. */
async function botGroups(ctx: ModuleContext): Promise<GroupEntry[]> {
  const selfIds = [...new Set(liveBots(ctx.ws).map(({ bot }) => bot.selfId).filter((id): id is string => id !== null))];
  const groups = new Map<string, GroupEntry>();
  await Promise.all(
    selfIds.map(async (selfId) => {
      const socket = actionSocket(ctx.ws, selfId);
      if (!socket) return;
      let list: unknown;
      try {
        list = await callAction(socket, 'get_group_list', {});
      } catch (err) {
        return ctx.log.info(`bot ${selfId}: get_group_list: ${(err as Error).message}`);
      }
      for (const item of Array.isArray(list) ? (list as Array<Record<string, unknown>>) : []) {
        if (typeof item?.group_id !== 'number' && typeof item?.group_id !== 'string') continue;
        const groupId = String(item.group_id);
        const entry = groups.get(groupId) ?? { groupId, name: '', memberCount: null, selfIds: [] };
        if (typeof item.group_name === 'string' && item.group_name) entry.name = item.group_name;
        if (typeof item.member_count === 'number') entry.memberCount = item.member_count;
        entry.selfIds.push(selfId);
        groups.set(groupId, entry);
      }
    }),
  );
  for (const entry of groups.values()) entry.selfIds.sort();
  return [...groups.values()].sort((a, b) => a.groupId.localeCompare(b.groupId, 'en', { numeric: true }));
}

/** A failed send as an answer: the implementation refused (502), or did not answer (504). */
function sendFailure(err: unknown): unknown {
  if (!(err instanceof ActionError)) return err;
  if (err.retcode === null) return new HttpError(504, 'ACTION_TIMEOUT', err.message);
  return new HttpError(502, 'ACTION_FAILED', err.message, { extra: { retcode: err.retcode } });
}

export function routes(router: ModuleRouter, ctx: ModuleContext): void {
  router.get('/', ctx.validate({ summary: 'The connected bots and the forward connections, with their counters' }), async (c) => {
    const seen = (await seenAccounts(ctx).read()).connections;
    c.body = listBots(ctx.ws, forwardConnections(ctx), seen);
  });

  router.get('/reverse', ctx.validate({ summary: 'The reverse WebSocket URL to paste into the implementation, and whether a token is set' }), (c) => {
    c.body = { url: reverseUrl(c, ctx), tokenSet: Boolean(ctx.config.get<string | undefined>('onebot.accessToken')) };
  });

  router.get('/groups', ctx.validate({ summary: 'The groups the connected bots are in (get_group_list), with their names' }), async (c) => {
    c.body = await botGroups(ctx);
  });

  router.get('/connections', ctx.validate({ summary: 'The forward connections (onebot.connections), tokens masked' }), (c) => {
    c.body = forwardConnections(ctx).map(shown);
  });

  router.post('/connections', ctx.validate({ summary: 'Add a forward connection', body: connectionBody }), async (c) => {
    const body = requestBody<ForwardConnection>(c);
    const all = ctx.config.get<ForwardConnection[] | undefined>('onebot.connections') ?? [];
    if (all.some((x) => x.id === body.id)) throw new HttpError(409, 'CONNECTION_EXISTS', `A connection "${body.id}" exists already`);
    await ctx.config.update({ onebot: { connections: [...all, body] } });
    c.status = 201;
    c.body = shown(body);
  });

  router.delete('/connections/:id', ctx.validate({ summary: 'Remove a forward connection (it is closed)', params: connectionParams }), async (c) => {
    const { id } = c.params as { id: string };
    const all = ctx.config.get<ForwardConnection[] | undefined>('onebot.connections') ?? [];
    if (!all.some((x) => x.id === id)) throw notFound('CONNECTION_NOT_FOUND', `No connection "${id}"`);
    await ctx.config.update({ onebot: { connections: all.filter((x) => x.id !== id) } });
    c.body = { id, deleted: true };
  });

  router.post('/:selfId/send', ctx.validate({ summary: 'Send a text from a connected bot to a group or a user', params: selfIdParams, body: sendBody }), async (c) => {
    const { selfId } = c.params as { selfId: string };
    const { groupId, userId, message } = requestBody<SendBody>(c);
    if ((groupId === undefined) === (userId === undefined)) throw badRequest('Give groupId or userId (one of them)', 'body.groupId');
    const socket = actionSocket(ctx.ws, selfId);
    if (!socket) throw notFound('BOT_NOT_FOUND', `Bot ${selfId} is not connected (or has no connection that carries actions)`);
    const to = groupId !== undefined ? { groupId: String(groupId) } : { userId: String(userId) };
    try {
      c.body = { messageId: (await sendMessage(ctx, socket, to, [text(message)])) ?? null };
    } catch (err) {
      throw sendFailure(err);
    }
  });
}
