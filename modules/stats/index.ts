/**
 * Usage statistics (docs/statistics.md, docs/api.md#system `/api/stats*`): every upstream call and every tool
 * call, recorded from the bus, kept `stats.retentionDays` calendar days, and summed per day,
 * channel, model, group, user, source and tool.
 *
 * Storage, and why. The figure to meet is `GET /api/stats/usage?days=30` within 50 ms at 100,000
 * records (§9), and a call must not cost a write of its own (each already rewrites the channel
 * usage files). So:
 * - records go to one append-only file of JSON lines per day (`DATA_DIR/stats/usage/<day>.ndjson`,
 *   `stats/tool-calls/<day>.ndjson`, mode 0600), written in one batch every
 *   `stats.flushIntervalSeconds` (5) and on dispose. An append costs the batch only, where a lowdb
 *   collection would rewrite the whole file each time; a day per file makes retention a file
 *   deletion and keeps record lookups (recent calls, tool-call records) to the days asked for,
 *   read backwards from the newest;
 * - aggregates come from one rollup per day held in memory: a table of counters per channel,
 *   model, group, user, source, kind, hour, error kind and tool (table.ts), so an answer never
 *   reads a record. The days before today are summed once and that sum kept until one of them
 *   changes, so an answer adds today to it and ranks: 1–2 ms at 100,000 records over 30 days
 *   with 3,000 users a day, where summing objects per user took hundreds;
 * - the rollups are checkpointed through the store (`<day>.rollup.json`, with the bytes of the day
 *   file they cover), so a start reads only the lines written after the last checkpoint.
 * A crash loses at most the records of the last interval; a line it tore is skipped.
 */
import { defineModule } from '../../kernel/index.ts';
import sections from './config.ts';
import { startRecorder, type Recorder } from './recorder.ts';
import { statsRoutes } from './routes.ts';

// Started by `setup`, used by `routes`; one per module version.
let recorder: Recorder;

export default defineModule({
  name: 'stats',
  prefix: '/api/stats',
  config: sections,
  setup(ctx) {
    recorder = startRecorder(ctx);
  },
  routes(router, ctx) {
    statsRoutes(router, ctx, recorder);
  },
});
