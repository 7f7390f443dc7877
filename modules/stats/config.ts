/** The `stats` configuration section (docs/statistics.md#storage-and-flush, docs/statistics.md#retention): declared by this module's index, read by the offline `npm run config`. */
import type { ConfigSections } from '../../kernel/index.ts';

export default {
  stats: {
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        /** Calendar days kept, today included: older upstream-call and tool-call records are deleted. */
        retentionDays: { type: 'integer', minimum: 1, maximum: 3650, default: 30 },
        /** Records are written in one batch this often (and when the module stops): a crash loses at most this many seconds of them. */
        flushIntervalSeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 5 },
      },
    },
    defaults: { retentionDays: 30, flushIntervalSeconds: 5 },
  },
} satisfies ConfigSections;
