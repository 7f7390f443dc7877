/**
 * Request schemas of the presets module. Input may use the original field names
 * (`modelParams.max_tokens`, `tools.disabledTools`) or the documented ones (`maxTokens`,
 * `tools.excludedTools`); the limits are those of docs/api.md#presets.
 */
import type { JSONSchema } from '../../kernel/index.ts';
import { BUILTINS } from './builtins.ts';

/** Ids that are fixed paths of this module and so cannot name a preset. */
export const RESERVED_IDS = ['builtin', 'categories', 'config', 'export', 'import'];

/** A client-chosen id: 3–50 characters of `a-z`, `0-9`, `-`. */
export const PRESET_ID_PATTERN = '^[a-z0-9-]{3,50}$';
const presetId: JSONSchema = { type: 'string', pattern: PRESET_ID_PATTERN, not: { enum: RESERVED_IDS } };

const text = (maxLength: number): JSONSchema => ({ type: 'string', maxLength });
const nullableText = (maxLength: number): JSONSchema => ({ type: ['string', 'null'], maxLength });
const names = (maxItems: number): JSONSchema => ({ type: 'array', maxItems, items: { type: 'string', minLength: 1, maxLength: 200 } });
const nullableNames = (maxItems: number): JSONSchema => ({ type: ['array', 'null'], maxItems, items: { type: 'string', maxLength: 200 } });
const temperature: JSONSchema = { type: 'number', minimum: 0, maximum: 2 };
const maxTokens: JSONSchema = { type: 'integer', minimum: 1, maximum: 128000 };
const topP: JSONSchema = { type: 'number', minimum: 0, maximum: 1 };
const penalty: JSONSchema = { type: 'number', minimum: -2, maximum: 2 };

const modelParams: JSONSchema = {
  type: 'object',
  properties: { temperature, top_p: topP, max_tokens: maxTokens, presence_penalty: penalty, frequency_penalty: penalty },
  additionalProperties: false,
};

/** `null` or `""` clears a persona key (docs/api.md#presets). */
const persona: JSONSchema = {
  type: 'object',
  properties: {
    name: nullableText(100),
    personality: nullableText(2000),
    speakingStyle: nullableText(2000),
    traits: nullableNames(100),
    likes: nullableNames(100),
    dislikes: nullableNames(100),
    customFields: { type: ['object', 'null'], maxProperties: 50, additionalProperties: { type: 'string', maxLength: 2000 } },
    background: nullableText(10000),
    avatar: nullableText(2000),
  },
  additionalProperties: false,
};

const context: JSONSchema = {
  type: 'object',
  properties: {
    maxMessages: { type: 'integer', minimum: 0, maximum: 1000 },
    maxTokens: { type: 'integer', minimum: 1, maximum: 2000000 },
    isolateContext: { type: 'boolean' },
    includeGroupContext: { type: 'boolean' },
    groupContextLength: { type: 'integer', minimum: 0, maximum: 1000 },
    clearOnSwitch: { type: 'boolean' },
  },
  additionalProperties: false,
};

const tools: JSONSchema = {
  type: 'object',
  properties: {
    enableBuiltinTools: { type: 'boolean' },
    enableMcpTools: { type: 'boolean' },
    allowedTools: names(500),
    disabledTools: names(500),
    allowDangerous: { type: 'boolean' },
    allowedMcpServers: names(100),
    disabledMcpServers: names(100),
    // Documented spellings.
    enabled: { type: 'boolean' },
    excludedTools: names(500),
  },
  additionalProperties: false,
};

const presetProperties: Record<string, JSONSchema> = {
  id: presetId,
  name: { type: 'string', minLength: 1, maxLength: 100 },
  description: text(1000),
  systemPrompt: text(10000),
  model: text(200),
  temperature,
  disableSystemPrompt: { type: 'boolean' },
  enableReasoning: { type: 'boolean' },
  category: text(50),
  modelParams,
  persona,
  context,
  tools,
  voice: {
    type: 'object',
    properties: { enabled: { type: 'boolean' }, voiceId: text(200), speed: { type: 'number', minimum: 0.25, maximum: 4 } },
    additionalProperties: false,
  },
  memory: {
    type: 'object',
    properties: { enabled: { type: 'boolean' }, maxMemories: { type: 'integer', minimum: 0, maximum: 10000 } },
    additionalProperties: false,
  },
  // Documented top-level model parameters.
  maxTokens,
  topP,
  presencePenalty: penalty,
  frequencyPenalty: penalty,
  /** `true` also makes the preset the default. */
  isDefault: { type: 'boolean' },
  // Read-only fields a client may send back unchanged (GET, edit, PUT); they are ignored.
  type: { enum: ['system', 'user'] },
  isBuiltin: { type: 'boolean' },
  isReadonly: { type: 'boolean' },
  createdFrom: text(100),
  sourceBuiltinId: text(100),
  createdAt: { type: 'number' },
  updatedAt: { type: 'number' },
};

export const createBody: JSONSchema = { type: 'object', properties: presetProperties, required: ['name'], additionalProperties: false };

/** Changes applied on top of a copied built-in: every field optional, `id` names the new preset. */
export const overridesBody: JSONSchema = { type: 'object', properties: presetProperties, additionalProperties: false };

/** An update never renames (a sent-back `id` is ignored); every field is optional. */
export const updateBody: JSONSchema = {
  type: 'object',
  properties: { ...presetProperties, id: { type: 'string', maxLength: 100 } },
  additionalProperties: false,
};

/** A preset is looked up by id or (for reads) by name, so the parameter is any short string. */
export const idParams: JSONSchema = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['id'],
};

export const builtinParams: JSONSchema = {
  type: 'object',
  properties: { builtinId: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['builtinId'],
};

export const listQuery: JSONSchema = {
  type: 'object',
  properties: {
    type: { enum: ['system', 'user', 'all'], default: 'all' },
    search: { type: 'string', maxLength: 200 },
    category: text(50),
  },
  additionalProperties: false,
};

/** One preset of an import: as on create, and a built-in's id is recognised (to be skipped, not refused). */
export const importItems: JSONSchema = {
  type: 'array',
  maxItems: 1000,
  items: { ...createBody, properties: { ...presetProperties, id: { anyOf: [presetId, { enum: BUILTINS.map((b) => b.id) }] } } },
};

export const copyBody: JSONSchema = {
  type: 'object',
  properties: { newId: presetId, newName: presetProperties.name },
  additionalProperties: false,
};

export const configBody: JSONSchema = {
  type: 'object',
  properties: {
    defaultId: { type: 'string', minLength: 1, maxLength: 100 },
    allowUserSwitch: { type: 'boolean' },
    perUserPreset: { type: 'boolean' },
    perGroupPreset: { type: 'boolean' },
  },
  minProperties: 1,
  additionalProperties: false,
};

export const exportQuery: JSONSchema = {
  type: 'object',
  properties: { type: { enum: ['system', 'user', 'all'], default: 'user' } },
  additionalProperties: false,
};

/** YAML as the raw body (`text/yaml`, `?overwrite=true`), or JSON `{yaml, overwrite}`. */
export const importBody: JSONSchema = {
  anyOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      properties: { yaml: { type: 'string', minLength: 1 }, overwrite: { type: 'boolean' } },
      required: ['yaml'],
      additionalProperties: false,
    },
  ],
};

export const importQuery: JSONSchema = {
  type: 'object',
  properties: { overwrite: { type: 'boolean', default: false } },
  additionalProperties: false,
};
