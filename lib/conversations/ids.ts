/**
 * Conversation ids and where they are stored. Ids come from clients (`user:123`,
 * `group:456:user:789`), so they are checked against a strict pattern and then encoded into a file
 * name that the store accepts: no id can name a path outside `conversations/`.
 */
import { createHash } from 'node:crypto';

/** Letters, digits and `_ : . -`, 1–128 characters. */
export const CONVERSATION_ID_PATTERN = '^[A-Za-z0-9_:.-]{1,128}$';
const ID = new RegExp(CONVERSATION_ID_PATTERN);

/** Longest readable file key; longer ones are replaced by a hash so file names stay far below 255 bytes. */
const MAX_READABLE_KEY = 150;

export function isConversationId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

/** Throws on an id that does not match the pattern (callers validate client input before this). */
export function assertConversationId(id: string): void {
  if (!isConversationId(id)) throw new Error(`invalid conversation id "${id}"`);
}

/**
 * The file name (without `.json`) of a conversation: every character outside `[A-Za-z0-9-]` (and a
 * leading `-`) becomes `_xx` (its hex code), so `group:1` is `group_3a1`. A `_` in a key is always
 * followed by two hex digits, so the hashed form `_h<sha256>` cannot collide with a readable one.
 */
export function fileKey(id: string): string {
  const readable = id.replace(/^-|[^A-Za-z0-9-]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (readable.length <= MAX_READABLE_KEY) return readable;
  return `_h${createHash('sha256').update(id).digest('hex')}`;
}

/** The index shard (`00`…`ff`) an id belongs to: an append rewrites one shard, about 1/256 of all summaries. */
export function shardOf(id: string): string {
  return createHash('sha1').update(id).digest('hex').slice(0, 2);
}
