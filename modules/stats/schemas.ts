/** Request schemas of the stats routes. Query values arrive as strings; the routes convert them. */
import type { JSONSchema } from '../../kernel/index.ts';

const days = { type: 'integer', minimum: 1, maximum: 3650, description: 'Only the last N days (today included); default: every day kept' };
const limit = (max: number) => ({ type: 'integer', minimum: 1, maximum: max });
const id = { type: 'string', minLength: 1, maxLength: 200 };
const flag = { type: 'string', enum: ['true', 'false'] };
/** Milliseconds since the epoch, or an ISO 8601 date or date-time. */
const time = { type: 'string', maxLength: 40, pattern: '^(\\d{1,16}|\\d{4}-\\d{2}-\\d{2}([T ][0-9:.]+(Z|[+-]\\d{2}:?\\d{2})?)?)$' };

const query = (properties: Record<string, JSONSchema>): JSONSchema => ({ type: 'object', properties });

export const daysQuery = query({ days });

export const recentQuery = query({
  days,
  limit: limit(1000),
  channelId: id,
  model: id,
  success: flag,
  status: { type: 'string', enum: ['success', 'failed', 'error'] },
  source: { type: 'string', maxLength: 20 },
  kind: { type: 'string', maxLength: 20 },
  groupId: id,
  userId: id,
});

export const toolRecordsQuery = query({
  days,
  limit: limit(1000),
  toolName: id,
  success: flag,
  userId: id,
  groupId: id,
  source: { type: 'string', maxLength: 20 },
  keyword: { type: 'string', minLength: 1, maxLength: 200 },
  startTime: time,
  endTime: time,
});

export const errorsQuery = query({ days, limit: limit(1000) });

export const channelParams: JSONSchema = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' } },
  required: ['id'],
};

export const recordParams: JSONSchema = {
  type: 'object',
  // Loose: an id of another shape is simply not found (404), as the original answers.
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
  required: ['id'],
};

/** Reset and clear take no fields: a bare POST, or `{}`. */
export const noFields: JSONSchema = { type: 'object', properties: {}, additionalProperties: false };
