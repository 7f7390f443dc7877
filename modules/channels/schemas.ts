/** Request schemas of the channels routes. */
import { ADAPTER_TYPES, KEY_STRATEGIES } from '../../lib/llm/index.ts';
import { DEFAULT_BATCH_CONCURRENCY, MAX_BATCH_CONCURRENCY, MAX_BATCH_MODELS } from './batch.ts';

const url = { type: 'string', maxLength: 2000, pattern: '^(https?://\\S+)?$' };
const keyObject = {
  type: 'object',
  properties: {
    key: { type: 'string', maxLength: 4096 },
    name: { type: 'string', maxLength: 100 },
    enabled: { type: 'boolean' },
    weight: { type: 'number', minimum: 0, maximum: 10000 },
  },
  required: ['key'],
};

/** Every field a client may set; unknown fields are ignored rather than refused (panels send whole objects back). */
const channelFields = {
  id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
  name: { type: 'string', minLength: 1, maxLength: 100 },
  adapterType: { enum: ADAPTER_TYPES },
  baseUrl: url,
  baseUrls: { type: 'array', items: url, maxItems: 20 },
  baseUrlLatencies: { type: 'object' },
  selectedBaseUrlIndex: { type: 'integer', minimum: 0 },
  apiKey: { type: 'string', maxLength: 4096 },
  apiKeys: { type: 'array', maxItems: 100, items: { anyOf: [{ type: 'string', maxLength: 4096 }, keyObject] } },
  strategy: { enum: KEY_STRATEGIES },
  models: { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 200 } },
  priority: { type: 'integer', minimum: -100000, maximum: 100000 },
  enabled: { type: 'boolean' },
  advanced: { type: 'object' },
  customHeaders: { type: 'object', additionalProperties: { type: 'string', maxLength: 4096 } },
  headersTemplate: { type: 'string', maxLength: 10000 },
  requestBodyTemplate: { type: 'string', maxLength: 10000 },
  chatPath: { type: 'string', maxLength: 500 },
  modelsPath: { type: 'string', maxLength: 500 },
  endpoints: { type: 'object', additionalProperties: { type: 'string', maxLength: 500 } },
  auth: {
    type: 'object',
    properties: { type: { enum: ['bearer', 'api-key', 'custom'] }, headerName: { type: 'string', maxLength: 100 }, prefix: { type: 'string', maxLength: 100 } },
  },
  overrides: {
    type: 'object',
    properties: {
      modelMapping: { type: 'object', additionalProperties: { type: 'string', maxLength: 200 } },
      systemPromptPrefix: { type: 'string', maxLength: 10000 },
      systemPromptSuffix: { type: 'string', maxLength: 10000 },
      stopSequences: { type: 'array', items: { type: 'string' }, maxItems: 16 },
    },
  },
  imageConfig: { type: 'object' },
  timeout: {
    type: 'object',
    properties: { connect: { type: 'integer', minimum: 100, maximum: 600000 }, read: { type: 'integer', minimum: 100, maximum: 3600000 } },
  },
  retry: { type: 'object' },
  quota: { type: 'object' },
  weight: { type: 'number', minimum: 0, maximum: 10000 },
};

export const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['id'] };

export const createBody = { type: 'object', properties: channelFields, required: ['name', 'adapterType'] };
export const updateBody = { type: 'object', properties: channelFields };

export const listQuery = { type: 'object', properties: { withStats: { type: 'string' } } };
export const statsQuery = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } };

/** `{id}` of a stored channel (plus optional overrides) or a whole inline channel. */
export const testBody = {
  type: 'object',
  properties: { ...channelFields, model: { type: 'string', minLength: 1, maxLength: 200 } },
  anyOf: [{ required: ['id'] }, { required: ['adapterType'] }],
};

const channelId = { type: 'string', minLength: 1, maxLength: 64 };
const modelName = { type: 'string', minLength: 1, maxLength: 200 };

export const testModelBody = {
  type: 'object',
  properties: { channelId, model: modelName },
  required: ['channelId', 'model'],
};

const batchTestFields = {
  channelId,
  models: { type: 'array', items: modelName, maxItems: MAX_BATCH_MODELS },
  concurrency: { type: 'integer', minimum: 1, maximum: MAX_BATCH_CONCURRENCY, default: DEFAULT_BATCH_CONCURRENCY },
};

export const batchTestBody = { type: 'object', properties: batchTestFields, required: ['channelId'] };

/** The test panel's batch test: `clearPrevious` sends a `clear` event first. */
export const panelBatchTestBody = {
  type: 'object',
  properties: { ...batchTestFields, clearPrevious: { type: 'boolean', default: true } },
  required: ['channelId'],
};

/** No `testId`: stop every running test. */
export const panelStopBody = { type: 'object', properties: { testId: { type: 'string', minLength: 1, maxLength: 100 } } };

export const quickTestBody = {
  type: 'object',
  properties: { channelId, model: modelName, message: { type: 'string', minLength: 1, maxLength: 4000 } },
  required: ['channelId'],
};

export const fetchModelsBody = testBody;

export const testBaseUrlsBody = { type: 'object', properties: { forceRetest: { type: 'boolean', default: false } } };
export const selectBaseUrlBody = { type: 'object', properties: { index: { type: 'integer', minimum: 0 } }, required: ['index'] };
