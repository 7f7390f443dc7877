/** The shapes kept by `lib/conversations`: one file per conversation plus a sharded summary index. */

export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';

export interface StoredToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface MessageUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** One message as stored; the same shape as `lib/llm`'s `ChatMessage` plus bookkeeping. */
export interface StoredMessage {
  role: MessageRole;
  content: string;
  toolCalls?: StoredToolCall[];
  toolCallId?: string;
  name?: string;
  model?: string;
  usage?: MessageUsage;
  /** Milliseconds since the epoch; `append` fills it in when missing. */
  timestamp: number;
}

/** A message handed to `append`: the timestamp is optional. */
export type NewMessage = Omit<StoredMessage, 'timestamp'> & { timestamp?: number };

/** Where a conversation lives outside the API: a QQ chat the bot bridge answers (docs/bot.md#the-turn). */
export interface ConversationSource {
  platform: 'qq';
  selfId: string;
  groupId?: string;
  userId: string;
}

/** Who a conversation belongs to; given on `append`, kept from the first time it is seen. */
export interface ConversationMeta {
  userId?: string;
  groupId?: string;
  title?: string;
  source?: ConversationSource;
}

/** The file `conversations/<key>.json`. */
export interface ConversationFile extends ConversationMeta {
  id: string;
  createdAt: number;
  updatedAt: number;
  /** Set when the context was cleared (the messages before it are gone). */
  clearedAt?: number;
  messages: StoredMessage[];
}

/** One line of the index: what a list needs without opening the conversation's file. */
export interface ConversationSummary extends ConversationMeta {
  id: string;
  messageCount: number;
  createdAt: number;
  updatedAt: number;
  /** The first 100 characters of the last message (a placeholder when it had no text). */
  lastMessage: string;
}

/** An index shard `conversation-index/<xx>.json`: the summaries whose id hashes to `xx`. */
export interface IndexShard {
  conversations: Record<string, ConversationSummary>;
}

export interface ListQuery {
  userId?: string;
  groupId?: string;
  /** Case-insensitive substring of the id, user, group, title or last message. */
  search?: string;
  limit?: number;
  offset?: number;
}

export interface ListResult {
  conversations: ConversationSummary[];
  /** How many matched before paging. */
  total: number;
}
