/** Request schemas of the mcp routes (also what the OpenAPI document shows). */
import type { JSONSchema } from '../../kernel/index.ts';
import { SERVER_NAME_MAX, SERVER_NAME_PATTERN } from './server-config.ts';

const serverName: JSONSchema = { type: 'string', minLength: 1, maxLength: SERVER_NAME_MAX, pattern: SERVER_NAME_PATTERN };
/** Built-in pseudo servers are addressed by name too. */
export const nameParams: JSONSchema = { type: 'object', required: ['name'], properties: { name: serverName } };

export const toolParams: JSONSchema = {
  type: 'object',
  required: ['name', 'tool'],
  properties: { name: serverName, tool: { type: 'string', minLength: 1, maxLength: 128 } },
};

const configObject: JSONSchema = { type: 'object', description: 'type, command/args/env, package, url/headers, timeout, autoReconnect, maxReconnectAttempts, enabled' };

/** `{name, config}`; the config fields may also sit at the top level (docs/api.md#mcp). */
export const addBody: JSONSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: serverName, config: configObject },
};

export const updateBody: JSONSchema = { type: 'object', properties: { config: configObject } };

export const callBody: JSONSchema = {
  type: 'object',
  properties: { args: { type: 'object', description: 'Arguments, checked against the tool\'s input schema' } },
  additionalProperties: false,
};

export const importBody: JSONSchema = {
  type: 'object',
  required: ['mcpServers'],
  properties: { mcpServers: { type: 'object', description: 'Claude-Desktop style: {"<name>": {command, args, env} | {url} | {package}}' } },
};

export const resourcesQuery: JSONSchema = {
  type: 'object',
  properties: { server: serverName, uri: { type: 'string', minLength: 1, maxLength: 4096 } },
};

export const readResourceBody: JSONSchema = {
  type: 'object',
  required: ['serverName', 'uri'],
  properties: { serverName: serverName, uri: { type: 'string', minLength: 1, maxLength: 4096 } },
  additionalProperties: false,
};

export const getPromptBody: JSONSchema = {
  type: 'object',
  required: ['serverName', 'name'],
  properties: {
    serverName: serverName,
    name: { type: 'string', minLength: 1, maxLength: 256 },
    args: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
};
