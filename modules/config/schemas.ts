/** Request schemas of the config routes. The configuration itself is checked by the kernel's config schema. */

/** A partial configuration: keys are sections or dotted paths; or `{path, value}` for one value. */
export const partialBody = { type: 'object', description: 'Partial configuration, deep-merged; keys may be dotted paths' };

/** Any JSON value: a section may be an object or a list. */
export const sectionBody = { description: 'The whole new value of the section' };

export const sectionParams = {
  type: 'object',
  properties: { section: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['section'],
};

export const versionParams = {
  type: 'object',
  properties: { version: { type: 'integer', minimum: 1 } },
  required: ['version'],
};

export const rollbackBody = {
  type: 'object',
  properties: { version: { type: 'integer', minimum: 1 } },
  required: ['version'],
  additionalProperties: false,
};

export const unsetBody = {
  type: 'object',
  properties: { paths: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 200 } } },
  required: ['paths'],
  additionalProperties: false,
};

/** Import and validate read YAML (`text/yaml`) or JSON. */
export const DOCUMENT_TYPES = ['text/yaml', 'application/json'];

/** A whole configuration: a JSON mapping of sections, or YAML text (checked section by section after parsing). */
export const documentBody = { type: ['object', 'string'], description: 'The configuration: a mapping of sections (JSON), or its YAML text' };
