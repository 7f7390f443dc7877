/** JSON Schemas shared by the tool routes of the tools and skills modules. */

export const toolName = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$' };
export const categoryKey = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$' };
export const toolNames = { type: 'array', items: toolName, maxItems: 10_000, uniqueItems: true };
export const enabledBody = { type: 'object', properties: { enabled: { type: 'boolean' } }, required: ['enabled'], additionalProperties: false };
export const toolArgs = { type: 'object', description: 'Arguments, checked against the tool\'s input schema' };
