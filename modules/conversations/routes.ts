/** Routes of `/api/conversations` (docs/api.md#conversations, the `/api/context` routes included under this prefix). */
import { notFound, requestBody } from '../../kernel/index.ts';
import type { ModuleContext, ModuleRouter } from '../../kernel/index.ts';
import { conversationStore } from '../../lib/conversations/index.ts';
import { contextClearBody, idParams, listQuery, messagesQuery } from './schemas.ts';

/** How many conversations the original `GET /list` answered. */
const LEGACY_LIST_SIZE = 100;

const missing = (id: string) => notFound('CONVERSATION_NOT_FOUND', `No conversation "${id}"`);

export function routes(router: ModuleRouter, ctx: ModuleContext): void {
  const conversations = conversationStore(ctx.store);

  // Fixed paths first: they would otherwise be taken for an `:id`.
  router.get('/list', ctx.validate({ summary: 'The latest 100 conversations, newest first' }), async (c) => {
    c.body = (await conversations.list({ limit: LEGACY_LIST_SIZE })).conversations;
  });

  router.delete('/clear-all', ctx.validate({ summary: 'Delete every conversation' }), async (c) => {
    const removed = await conversations.removeAll();
    c.body = { deletedCount: removed.messages, conversations: removed.conversations };
  });

  // The original's /api/context routes (served there through the module's `originals`): deprecated.
  router.get('/context/list', ctx.validate({ summary: 'Conversations that currently hold context (messages)', deprecated: true }), async (c) => {
    const { conversations: all } = await conversations.list();
    c.body = all
      .filter((line) => line.messageCount > 0)
      .map(({ id, userId, groupId, messageCount, updatedAt }) => ({ id, userId, groupId, messageCount, lastUpdated: updatedAt }));
  });

  router.post('/context/clear', ctx.validate({ summary: 'Clear the context of a conversation (by id, or a user\'s private one)', body: contextClearBody, deprecated: true }), async (c) => {
    const body = requestBody<{ conversationId?: string; userId?: string }>(c);
    const id = body.conversationId ?? `user:${body.userId}`;
    if (!(await conversations.clear(id))) throw missing(id);
    c.body = { conversationId: id, cleared: true };
  });

  router.get('/', ctx.validate({ summary: 'List conversations (filters: userId, groupId, search; paging: limit, offset)', query: listQuery }), async (c) => {
    const query = c.query as unknown as { userId?: string; groupId?: string; search?: string; limit: number; offset: number };
    const result = await conversations.list(query);
    c.body = { ...result, limit: query.limit, offset: query.offset };
  });

  router.get('/:id', ctx.validate({ summary: 'One conversation with its messages (the last `limit` when given)', params: idParams, query: messagesQuery }), async (c) => {
    const { id } = c.params;
    const conversation = await conversations.get(id);
    if (!conversation) throw missing(id);
    const { limit } = c.query as unknown as { limit?: number };
    c.body = { ...conversation, messageCount: conversation.messages.length, messages: await conversations.messages(id, { limit }) };
  });

  router.get('/:id/messages', ctx.validate({ summary: 'The last messages of a conversation, oldest first (default 100)', params: idParams, query: messagesQuery }), async (c) => {
    const { id } = c.params;
    if (!(await conversations.summary(id))) throw missing(id);
    const { limit = 100 } = c.query as unknown as { limit?: number };
    c.body = await conversations.messages(id, { limit });
  });

  router.post('/:id/clear', ctx.validate({ summary: 'Clear the context of a conversation (its messages go, the conversation stays)', params: idParams, noBody: true }), async (c) => {
    const { id } = c.params;
    if (!(await conversations.clear(id))) throw missing(id);
    c.body = { id, cleared: true };
  });

  router.delete('/:id', ctx.validate({ summary: 'Delete a conversation', params: idParams }), async (c) => {
    const { id } = c.params;
    if (!(await conversations.remove(id))) throw missing(id);
    c.body = { id, deleted: true };
  });
}
