/** Request schemas of `/api/bots`. */
import type { JSONSchema } from '../../kernel/index.ts';
import { CONNECTION_ID_PATTERN } from './config.ts';

const QQ_PATTERN = '^[1-9][0-9]{0,19}$';
/** A QQ number: digits as a string, or an integer. */
const qq: JSONSchema = { anyOf: [{ type: 'string', pattern: QQ_PATTERN }, { type: 'integer', minimum: 1 }] };

export const connectionBody: JSONSchema = {
  type: 'object',
  required: ['id', 'url'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: CONNECTION_ID_PATTERN, description: 'Names the connection (letters, digits, "_" and "-")' },
    url: { type: 'string', pattern: '^wss?://[^\\s]+$', maxLength: 2048, description: "The implementation's WebSocket server, e.g. ws://127.0.0.1:3001" },
    accessToken: { type: 'string', pattern: '^\\S*$', maxLength: 512, description: 'Sent as Authorization: Bearer' },
  },
};

export const connectionParams: JSONSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: CONNECTION_ID_PATTERN } },
};

export const selfIdParams: JSONSchema = {
  type: 'object',
  required: ['selfId'],
  properties: { selfId: { type: 'string', pattern: QQ_PATTERN } },
};

export interface SendBody {
  groupId?: string | number;
  userId?: string | number;
  message: string;
}

export const sendBody: JSONSchema = {
  type: 'object',
  required: ['message'],
  additionalProperties: false,
  properties: {
    groupId: qq,
    userId: qq,
    message: { type: 'string', minLength: 1, maxLength: 5000 },
  },
};
