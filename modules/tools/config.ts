/**
 * The `events` configuration section (docs/api.md#tools `event-probability`): the original's reply
 * probability for bot events, read and written by `GET|PUT /api/tools/event-probability`. Kept so
 * that an original configuration imports intact and the panel's form works; the bot bridge does not
 * act on it (it answers notices by `features.*` and each group's `events` settings).
 */
import type { ConfigSections } from '../../kernel/index.ts';

const probability = { type: 'number', minimum: 0, maximum: 1 };
/** An event name of the original: `poke`, `reaction`, `groupIncrease`, … */
const eventName = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' };

export const DEFAULT_EVENTS = { enabled: true, probability: 0.5, enabledEvents: ['poke', 'reaction', 'groupIncrease'], eventProbabilities: {} };

export const eventSettings = {
  enabled: { type: 'boolean' },
  probability,
  enabledEvents: { type: 'array', items: eventName, maxItems: 100, uniqueItems: true },
  eventProbabilities: { type: 'object', propertyNames: eventName, additionalProperties: probability, maxProperties: 100 },
};

export default {
  events: {
    schema: { type: 'object', properties: eventSettings },
    defaults: DEFAULT_EVENTS,
  },
} satisfies ConfigSections;
