/** Request schemas of the conversations module. */
import { CONVERSATION_ID_PATTERN } from '../../lib/conversations/index.ts';
import type { JSONSchema } from '../../kernel/index.ts';

const conversationId: JSONSchema = { type: 'string', pattern: CONVERSATION_ID_PATTERN, description: 'e.g. user:123, group:456, group:456:user:123' };
const ownerId: JSONSchema = { type: 'string', pattern: '^[A-Za-z0-9_:.-]{1,120}$' };

export const idParams: JSONSchema = {
  type: 'object',
  properties: { id: conversationId },
  required: ['id'],
};

export const listQuery: JSONSchema = {
  type: 'object',
  properties: {
    userId: ownerId,
    groupId: ownerId,
    search: { type: 'string', maxLength: 200 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
  additionalProperties: false,
};

export const messagesQuery: JSONSchema = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 10000 } },
  additionalProperties: false,
};

/** `POST /context/clear`: a conversation id, or a user id (its private conversation `user:<userId>`). */
export const contextClearBody: JSONSchema = {
  type: 'object',
  properties: { conversationId: conversationId, userId: ownerId },
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
};
