/**
 * Conversation storage on top of the kernel store. Each conversation is its own collection
 * (`conversations/<key>`), and a summary index is split into 256 shards
 * (`conversation-index/<xx>`), so appending a message rewrites one conversation and one small
 * shard: its cost does not grow with the number of stored conversations.
 *
 * The index is what says a conversation exists (lookups of unknown ids never open a file); it is
 * written after the conversation, so a crash in between leaves at worst a stale count.
 */
import type { Collection, Store } from '../../kernel/index.ts';
import { assertConversationId, fileKey, shardOf } from './ids.ts';
import type {
  ConversationFile,
  ConversationMeta,
  ConversationSummary,
  IndexShard,
  ListQuery,
  ListResult,
  NewMessage,
  StoredMessage,
} from './types.ts';

const CONVERSATIONS_DIR = 'conversations';
const INDEX_DIR = 'conversation-index';
const PREVIEW_LENGTH = 100;

export interface ConversationStore {
  /** Appends messages (creating the conversation on first use) and resolves once both files are on disk. */
  append(id: string, messages: NewMessage[], meta?: ConversationMeta): Promise<ConversationSummary>;
  /** The messages of a conversation, oldest first; the last `limit` when given. Empty for an unknown id. */
  messages(id: string, options?: { limit?: number }): Promise<StoredMessage[]>;
  /** The whole conversation, or undefined when it does not exist. */
  get(id: string): Promise<ConversationFile | undefined>;
  /** The index line of a conversation, or undefined. */
  summary(id: string): Promise<ConversationSummary | undefined>;
  /** Newest first, filtered, paged. */
  list(query?: ListQuery): Promise<ListResult>;
  /** Deletes a conversation; false when it did not exist. */
  remove(id: string): Promise<boolean>;
  /** Clears the context: drops the messages, keeps the conversation. False when it did not exist. */
  clear(id: string): Promise<boolean>;
  /** Deletes every conversation; resolves with how many conversations and messages went. */
  removeAll(): Promise<{ conversations: number; messages: number }>;
}

const emptyConversation = (id: string): ConversationFile => ({ id, createdAt: 0, updatedAt: 0, messages: [] });

function preview(message: StoredMessage | undefined): string {
  if (!message) return '';
  const text = message.content.trim();
  if (text) return text.slice(0, PREVIEW_LENGTH);
  return message.toolCalls?.length ? `[tool call: ${message.toolCalls.map((t) => t.name).join(', ')}]` : '[no text]';
}

function summarize(conversation: ConversationFile): ConversationSummary {
  const { id, userId, groupId, title, source, createdAt, updatedAt, messages } = conversation;
  return {
    id,
    ...(userId !== undefined ? { userId } : {}),
    ...(groupId !== undefined ? { groupId } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(source !== undefined ? { source } : {}),
    messageCount: messages.length,
    createdAt,
    updatedAt,
    lastMessage: preview(messages.at(-1)),
  };
}

function matches(summary: ConversationSummary, query: ListQuery): boolean {
  if (query.userId !== undefined && summary.userId !== query.userId) return false;
  if (query.groupId !== undefined && summary.groupId !== query.groupId) return false;
  if (!query.search) return true;
  const needle = query.search.toLowerCase();
  return [summary.id, summary.userId, summary.groupId, summary.title, summary.lastMessage].some((field) => field?.toLowerCase().includes(needle));
}

/** Opens the conversation storage of a kernel store. */
export function conversationStore(store: Store): ConversationStore {
  const fileOf = (id: string): Collection<ConversationFile> => {
    assertConversationId(id);
    return store.collection<ConversationFile>(`${CONVERSATIONS_DIR}/${fileKey(id)}`, emptyConversation(id));
  };
  const shardOfId = (id: string): Collection<IndexShard> => store.collection<IndexShard>(`${INDEX_DIR}/${shardOf(id)}`, { conversations: {} });

  const summary = async (id: string): Promise<ConversationSummary | undefined> => {
    assertConversationId(id);
    const shard = await shardOfId(id).read();
    return Object.hasOwn(shard.conversations, id) ? shard.conversations[id] : undefined;
  };

  /** Writes the index line from the conversation as it is now, so racing writers end with the latest state. */
  const reindex = async (id: string): Promise<ConversationSummary> => {
    const file = fileOf(id);
    return shardOfId(id).update(async (shard) => {
      const line = summarize(await file.read());
      shard.conversations[id] = line;
      return line;
    });
  };

  const unindex = (id: string) =>
    shardOfId(id).update((shard) => {
      delete shard.conversations[id];
    });

  const remove = async (id: string): Promise<boolean> => {
    if (!(await summary(id))) return false;
    await store.remove(`${CONVERSATIONS_DIR}/${fileKey(id)}`);
    await unindex(id);
    return true;
  };

  const list = async (query: ListQuery = {}): Promise<ListResult> => {
    const all: ConversationSummary[] = [];
    for (const name of await store.list(INDEX_DIR)) {
      const shard = await store.collection<IndexShard>(`${INDEX_DIR}/${name}`, { conversations: {} }).read();
      for (const line of Object.values(shard.conversations)) if (matches(line, query)) all.push(line);
    }
    all.sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
    const offset = query.offset ?? 0;
    const end = query.limit === undefined ? undefined : offset + query.limit;
    return { conversations: all.slice(offset, end), total: all.length };
  };

  return {
    summary,
    list,
    remove,

    async append(id, messages, meta = {}) {
      const now = Date.now();
      await fileOf(id).update((conversation) => {
        if (conversation.createdAt === 0) conversation.createdAt = now;
        for (const key of ['userId', 'groupId', 'title'] as const) {
          if (meta[key] !== undefined) conversation[key] = meta[key];
        }
        if (meta.source !== undefined) conversation.source = meta.source;
        for (const message of messages) conversation.messages.push({ ...message, timestamp: message.timestamp ?? now });
        conversation.updatedAt = now;
      });
      return reindex(id);
    },

    async messages(id, options = {}) {
      if (!(await summary(id))) return [];
      const all = (await fileOf(id).read()).messages;
      return all.slice(options.limit === undefined ? 0 : Math.max(0, all.length - options.limit));
    },

    async get(id) {
      if (!(await summary(id))) return undefined;
      return fileOf(id).read();
    },

    async clear(id) {
      if (!(await summary(id))) return false;
      const now = Date.now();
      await fileOf(id).update((conversation) => {
        conversation.messages = [];
        conversation.clearedAt = now;
        conversation.updatedAt = now;
      });
      await reindex(id);
      return true;
    },

    async removeAll() {
      const { conversations } = await list();
      let messages = 0;
      for (const line of conversations) {
        messages += line.messageCount;
        await remove(line.id);
      }
      return { conversations: conversations.length, messages };
    },
  };
}
