/** Which conversation a turn belongs to, what of it the model sees, and what the turn adds to it. */
import type { ConfigService } from '../../kernel/index.ts';
import type { ConversationMeta, ConversationStore, NewMessage, StoredMessage } from '../conversations/index.ts';
import type { ChatMessage } from '../llm/index.ts';
import type { EngineOutcome } from './engine.ts';

/**
 * docs/api.md#conversations, docs/bot.md#the-turn: a group shares one conversation unless its members are isolated; a
 * private chat is the user's own unless private chats are shared.
 */
export function conversationIdOf(config: ConfigService, userId: string, groupId: string | undefined): string {
  if (groupId) return config.get<boolean | undefined>('context.isolation.groupUserIsolation') ? `group:${groupId}:user:${userId}` : `group:${groupId}`;
  return config.get<boolean | undefined>('context.isolation.privateIsolation') === false ? 'private:shared' : `user:${userId}`;
}

/** Stored history as model messages: no system turns, and never starting in the middle of a tool exchange. */
export function history(stored: StoredMessage[]): ChatMessage[] {
  const messages = stored
    .filter((m) => m.role !== 'system')
    .map(({ role, content, toolCalls, toolCallId, name }) => ({ role, content: typeof content === 'string' ? content : JSON.stringify(content), toolCalls, toolCallId, name }));
  const firstUser = messages.findIndex((m) => m.role === 'user');
  return firstUser === -1 ? [] : messages.slice(firstUser);
}

/** Appends the user's message and everything the turn produced; the last message carries model and usage. */
export function persist(conversations: ConversationStore, id: string, message: string, outcome: EngineOutcome, meta: ConversationMeta) {
  const last = outcome.messages.length - 1;
  const produced: NewMessage[] = outcome.messages.map((m, i) => (i === last ? { ...m, model: outcome.model, usage: outcome.usage } : { ...m }));
  return conversations.append(id, [{ role: 'user', content: message }, ...produced], meta);
}
