/**
 * The `onebot` configuration section (docs/bot.md#connections, docs/bot.md#order-and-load), declared by this module: the
 * access token reverse connections must show, the forward connections the kernel dials, and the
 * bounds of the turn queue. Tokens are secrets: masked in every answer, kept in config.json (0600).
 */
import type { ConfigSections } from '../../kernel/index.ts';

/** A connection id: it names the connection in URLs (`DELETE /api/bots/connections/:id`) and in logs. */
export const CONNECTION_ID_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$';

const token = { type: 'string', 'x-secret': true, pattern: '^\\S*$', maxLength: 512 };

export const connectionSchema = {
  type: 'object',
  required: ['id', 'url'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: CONNECTION_ID_PATTERN },
    // A URL may carry `?access_token=`: shown masked like a secret.
    url: { type: 'string', 'x-secret': 'url', pattern: '^wss?://[^\\s]+$', maxLength: 2048 },
    accessToken: token,
  },
};

export default {
  onebot: {
    schema: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        accessToken: { ...token, default: '' },
        connections: { type: 'array', items: connectionSchema, default: [] },
        maxConcurrentTurns: { type: 'integer', minimum: 1, maximum: 256, default: 8 },
        maxQueued: { type: 'integer', minimum: 1, maximum: 100000, default: 100 },
      },
    },
  },
} satisfies ConfigSections;
