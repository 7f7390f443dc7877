/**
 * JSON Schemas of the group-admin routes. The settings schema is derived from DEFAULT_SETTINGS, so
 * the shape is written once; an unknown key anywhere is a 400 that names it.
 */
import type { JSONSchema } from '../../kernel/index.ts';
import { CATEGORY_INPUTS, USER_ID } from '../../lib/memory/index.ts';
import { DEFAULT_SETTINGS, GROUP_ID_PATTERN, INHERITED, PERCENT_KEYS, type Settings } from '../../lib/group-settings/index.ts';


export const groupParams: JSONSchema = {
  type: 'object',
  required: ['groupId'],
  properties: { groupId: { type: 'string', pattern: GROUP_ID_PATTERN, description: 'Group id: digits or [A-Za-z0-9_-], 1–64 characters' } },
};

const userIds: JSONSchema = { type: 'array', maxItems: 10000, items: { type: ['string', 'number'], minLength: 1, maxLength: 64 } };
const strings: JSONSchema = { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 500 } };
const inheritMarker: JSONSchema = { enum: [null, '', 'global', 'default', '__default__'] };

const SPECIAL: Record<string, JSONSchema> = {
  listMode: { enum: ['none', 'blacklist', 'whitelist'] },
  blacklist: userIds,
  whitelist: userIds,
  'independentChannel.adapterType': { enum: ['openai', 'claude', 'gemini'] },
  'independentChannel.baseUrl': { type: 'string', maxLength: 2000, pattern: '^(https?://\\S+)?$' },
  'independentChannel.channels': {
    type: 'array',
    maxItems: 50,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['id'],
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 100 },
        name: { type: 'string', maxLength: 200 },
        baseUrl: { type: 'string', maxLength: 2000, pattern: '^(https?://\\S+)?$' },
        adapterType: { enum: ['openai', 'claude', 'gemini'] },
        models: { anyOf: [{ type: 'string', maxLength: 5000 }, strings] },
        enabled: { type: 'boolean' },
        apiKey: { type: 'string', maxLength: 1000 },
      },
    },
  },
  ...Object.fromEntries(PERCENT_KEYS.map((k) => [k, { type: 'number', minimum: 0, maximum: 100 }])),
};

function leafSchema(path: string, value: unknown): JSONSchema {
  if (SPECIAL[path]) return SPECIAL[path];
  const inherited = INHERITED.find((k) => k.path === path);
  const sample = inherited ? inherited.fallback : value;
  const own: JSONSchema = Array.isArray(sample)
    ? strings
    : sample === null
      ? { type: 'number' }
      : typeof sample === 'string'
        ? { type: 'string', maxLength: 20000 }
        : { type: typeof sample };
  return inherited ? { anyOf: [own, inheritMarker] } : value === null ? { type: [own.type as string, 'null'] } : own;
}

function objectSchema(obj: Settings, prefix = ''): JSONSchema {
  const properties: Record<string, JSONSchema> = {};
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix + key;
    properties[key] = value && typeof value === 'object' && !Array.isArray(value) && !SPECIAL[path] ? objectSchema(value as Settings, `${path}.`) : leafSchema(path, value);
  }
  return { type: 'object', additionalProperties: false, properties };
}

/** Fields a GET of the whole settings answers for display only; a PUT may send them back and they are ignored. */
export const HELPER_KEYS = ['groupId', 'presets', 'channels', 'knowledgeBases', 'emojiStats'];

const settings = objectSchema(DEFAULT_SETTINGS);

export const settingsBody: JSONSchema = {
  ...settings,
  properties: { ...(settings.properties as Record<string, JSONSchema>), ...Object.fromEntries(HELPER_KEYS.map((k) => [k, {}])) },
};

export const userListBody = (key: 'blacklist' | 'whitelist'): JSONSchema => ({
  type: 'object',
  required: [key],
  additionalProperties: false,
  properties: { [key]: userIds },
});

export const userIdBody: JSONSchema = {
  type: 'object',
  required: ['userId'],
  additionalProperties: false,
  properties: { userId: { type: ['string', 'number'], minLength: 1, maxLength: 64 } },
};

export const channelBody: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    baseUrl: SPECIAL['independentChannel.baseUrl'],
    apiKey: { type: 'string', maxLength: 1000 },
    adapterType: SPECIAL['independentChannel.adapterType'],
    modelId: { type: 'string', maxLength: 200 },
    forbidGlobal: { type: 'boolean' },
  },
};

export const fetchModelsBody: JSONSchema = {
  type: 'object',
  required: ['baseUrl', 'apiKey'],
  additionalProperties: false,
  properties: {
    adapterType: SPECIAL['independentChannel.adapterType'],
    baseUrl: { type: 'string', minLength: 1, maxLength: 2000, pattern: '^https?://\\S+$' },
    apiKey: { type: 'string', minLength: 1, maxLength: 1000 },
    modelsPath: { type: 'string', maxLength: 200, pattern: '^(/[^\\s]*)?$' },
  },
};

export const usageLimitBody: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dailyGroupLimit: { type: 'integer', minimum: 0 },
    dailyUserLimit: { type: 'integer', minimum: 0 },
    limitMessage: { type: 'string', maxLength: 500 },
  },
};

const nullable = (schema: JSONSchema): JSONSchema => ({ anyOf: [schema, { type: 'null' }] });

export const toolsBody: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: nullable({ type: 'boolean' }),
    allowedCategories: nullable(strings),
    disabledTools: nullable(strings),
    allowDangerous: nullable({ type: 'boolean' }),
  },
};

export const triggersBody: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prefix: nullable(strings),
    keywords: nullable(strings),
    at: nullable({ type: 'boolean' }),
    random: nullable({ type: 'boolean' }),
  },
};

export const presetBody: JSONSchema = {
  type: 'object',
  required: ['presetId'],
  additionalProperties: false,
  properties: { presetId: { type: ['string', 'null'], maxLength: 100 } },
};

const count = (max: number): JSONSchema => ({ type: 'string', pattern: `^[0-9]{1,${String(max).length}}$` });

export const conversationsQuery: JSONSchema = {
  type: 'object',
  properties: { limit: count(500), offset: count(1_000_000) },
};

export const memoriesQuery: JSONSchema = {
  type: 'object',
  properties: { category: { type: 'string', enum: CATEGORY_INPUTS }, userId: { type: 'string', pattern: USER_ID }, limit: count(500) },
};

/**
 * A sticker's file name: a base name only. No separator, dot-dot, leading dot (`.`, hidden files),
 * drive colon, percent sign (a name still encoded after the query's own decoding) or control character.
 */
export const stickerQuery: JSONSchema = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', minLength: 1, maxLength: 255, pattern: '^(?!\\.)(?!.*\\.\\.)[^/\\\\:%\\u0000-\\u001f\\u007f]+$', description: "A file name in the group's sticker folder" },
  },
};
