/** JSON Schemas of the memory routes. Query values arrive as strings. */
import type { JSONSchema } from '../../kernel/index.ts';
import { GROUP_ID_PATTERN as GROUP_ID } from '../../lib/group-settings/index.ts';
import { CATEGORY_INPUTS, MEMORY_ID, SOURCES, USER_ID } from '../../lib/memory/index.ts';

const flag = { type: 'string', enum: ['true', 'false', '1', '0'] };
const limit = { type: 'string', pattern: '^[0-9]{1,4}$' };
const category = { type: 'string', enum: CATEGORY_INPUTS };

const userId = { type: 'string', pattern: USER_ID };
const memoryId = { type: 'string', pattern: MEMORY_ID, description: 'A memory id: mem_<userId>_<12 hex>' };

const params = (props: Record<string, JSONSchema>): JSONSchema => ({ type: 'object', required: Object.keys(props), properties: props });

export const userParams = params({ userId });
export const userCategoryParams = params({ userId, category });
export const userGroupParams = params({ userId, groupId: { type: 'string', pattern: GROUP_ID } });
export const groupParams = params({ groupId: { type: 'string', pattern: GROUP_ID } });
export const idParams = params({ id: memoryId });
/** A memory id, or (the original's legacy form) a user id: the two patterns never overlap. */
export const memoryOrUserParams = params({ id: { anyOf: [memoryId, userId], description: 'A memory id (mem_<userId>_<12 hex>), or a user id for the legacy user form' } });
export const userMemoryParams = params({ userId, memoryId });

export const listQuery: JSONSchema = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: ['tree', 'list'] },
    groupId: { type: 'string', pattern: GROUP_ID },
    category,
    subType: { type: 'string', maxLength: 50 },
    source: { type: 'string', enum: [...SOURCES] },
    includeInactive: flag,
    limit,
  },
};

export const groupQuery: JSONSchema = {
  type: 'object',
  properties: { userId, category, limit },
};

export const hardQuery: JSONSchema = { type: 'object', properties: { hard: flag } };

const searchFields = {
  query: { type: 'string', maxLength: 1000 },
  userId,
  groupId: { type: 'string', pattern: GROUP_ID },
  category,
};

export const searchQuery: JSONSchema = { type: 'object', required: ['query'], properties: { ...searchFields, limit } };

export const searchBody: JSONSchema = {
  type: 'object',
  required: ['query'],
  additionalProperties: false,
  properties: { ...searchFields, limit: { type: 'integer', minimum: 1, maximum: 100 } },
};

const content = { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' };
const fields = {
  category,
  subType: { type: ['string', 'null'], maxLength: 50 },
  groupId: { anyOf: [{ type: 'string', pattern: GROUP_ID }, { type: 'null' }] },
  confidence: { type: 'number', minimum: 0, maximum: 1 },
  metadata: { type: ['object', 'null'] },
  expiresAt: { type: ['integer', 'null'], minimum: 0 },
};

export const addBody: JSONSchema = {
  type: 'object',
  required: ['content'],
  additionalProperties: false,
  properties: { content, ...fields, source: { type: 'string', enum: [...SOURCES] } },
};

export const updateBody: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { content, ...fields, isActive: { type: 'boolean' } },
};

export const summarizeBody: JSONSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { useLLM: { type: 'boolean' } },
};

/** The original's legacy `POST /` and each item of `POST /batch`: a memory with its user in the body. */
export const ownedAddBody: JSONSchema = {
  ...addBody,
  required: ['userId', 'content'],
  properties: { userId, ...(addBody.properties as Record<string, JSONSchema>) },
};

/** Items are checked one by one (./original-routes.ts), so that one bad item fails alone, as in the original. */
export const batchBody: JSONSchema = {
  type: 'object',
  required: ['memories'],
  additionalProperties: false,
  properties: { memories: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'object' } } },
};
