/**
 * Request schemas of the original plugin's config paths (docs/api.md#config). They check the shape of
 * a request; the values themselves are checked by the configuration schema on write, which names the
 * bad configuration path.
 */
import { ADAPTER_TYPES } from '../../lib/llm/index.ts';

/** The sections `GET|PUT /api/config/advanced` covers: the original's seven, all of which this server declares. */
export const ADVANCED_SECTIONS = ['llm', 'context', 'tools', 'proxy', 'web', 'redis', 'update'] as const;

const section = { type: 'object', description: 'Keys of the section to change; keys left out keep their values' };

export const advancedBody = {
  type: 'object',
  properties: Object.fromEntries(ADVANCED_SECTIONS.map((name) => [name, section])),
  additionalProperties: false,
  minProperties: 1,
};

/** A section's keys to change (PATCH personality, PUT proactive-chat). */
export const sectionPatchBody = section;

/** The whole `trigger` section: keys left out take their defaults. */
export const triggerBody = { type: 'object', description: 'The whole trigger section; keys left out take their defaults' };

export const linksBody = {
  type: 'object',
  properties: {
    loginLinks: { type: 'array', maxItems: 50, items: { type: 'object' }, description: '[{label, baseUrl}]: replaces the list' },
    publicUrl: { type: 'string', maxLength: 2000, description: 'Base of printed login links; "" for none' },
  },
  additionalProperties: false,
  minProperties: 1,
};

export const tourParams = {
  type: 'object',
  properties: {
    tourId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', not: { enum: ['constructor', 'prototype'] }, description: 'Letters, digits, "_" and "-"' },
  },
  required: ['tourId'],
};

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });

export const quickSetupBody = {
  type: 'object',
  properties: {
    channel: {
      type: 'object',
      properties: {
        name: text(100),
        adapterType: { enum: ADAPTER_TYPES, default: 'openai' },
        baseUrl: { type: 'string', maxLength: 2000, pattern: '^(https?://\\S+)?$' },
        apiKey: { type: 'string', maxLength: 4096 },
        models: { type: 'array', maxItems: 1000, items: text(200) },
      },
      required: ['name'],
      additionalProperties: false,
    },
    model: { ...text(200), description: 'Becomes llm.defaultModel' },
    triggerPrefixes: { type: 'array', maxItems: 50, items: text(50), description: 'Become trigger.prefixes' },
    preset: { description: 'Ignored, as by the original' },
  },
  additionalProperties: false,
};
