/** The `metrics` configuration section (docs/statistics.md#metrics): declared by this module's index, read by the offline `npm run config`. */
import type { ConfigSections } from '../../kernel/index.ts';

export default {
  metrics: {
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        public: { type: 'boolean', description: 'Serve GET /api/metrics without a token (a Prometheus on a trusted network)' },
      },
    },
    defaults: { public: false },
  },
} satisfies ConfigSections;
