/**
 * Upstream calls, their tokens and time, by channel and model, counted from the `upstream-call`
 * event (lib/llm/call.ts) into plain totals that survive reloads (carried-totals.ts).
 */
import { Counter, type Registry } from 'prom-client';
import type { KernelEvent, ModuleContext } from '../../kernel/index.ts';
import { carriedTotals } from './carried-totals.ts';

/** The totals of one label set. */
interface Totals {
  channel: string;
  model: string;
  kind: string;
  source: string;
  /** `success`, or the error's kind (`http_429`, `timeout`, …). */
  outcome: string;
  calls: number;
  seconds: number;
  promptTokens: number;
  completionTokens: number;
}

const LABELS = ['channel', 'model', 'kind', 'source', 'outcome'] as const;

const label = (value: unknown) => (typeof value === 'string' ? value : '');
const amount = (value: unknown) => (typeof value === 'number' && value > 0 && Number.isFinite(value) ? value : 0);

function add(totals: Map<string, Totals>, event: KernelEvent): void {
  const outcome = event.success === true ? 'success' : label(event.errorKind) || 'error';
  const labels = { channel: label(event.channelId), model: label(event.model), kind: label(event.kind), source: label(event.source), outcome };
  const key = JSON.stringify(LABELS.map((name) => labels[name]));
  let entry = totals.get(key);
  if (!entry) totals.set(key, (entry = { ...labels, calls: 0, seconds: 0, promptTokens: 0, completionTokens: 0 }));
  entry.calls += 1;
  entry.seconds += amount(event.durationMs) / 1000;
  entry.promptTokens += amount(event.promptTokens);
  entry.completionTokens += amount(event.completionTokens);
}

/** Counts upstream calls into `registry` for this version, taking over the totals of the version it replaces. */
export function countUpstreamCalls(ctx: ModuleContext, registry: Registry): void {
  const totals = carriedTotals(ctx, 'upstream', 'upstream-call', add);

  // The first one fills all three: a registry collects its metrics in the order they were registered.
  const calls = new Counter({
    name: 'chatai_upstream_calls_total',
    help: 'Upstream calls by channel, model, kind (chat, test, summary, models), source (api, bot, system) and outcome (success or the error kind).',
    labelNames: LABELS,
    registers: [registry],
    collect() {
      calls.reset();
      seconds.reset();
      tokens.reset();
      for (const t of totals.values()) {
        const labels = { channel: t.channel, model: t.model, kind: t.kind, source: t.source, outcome: t.outcome };
        calls.inc(labels, t.calls);
        seconds.inc(labels, t.seconds);
        if (t.promptTokens) tokens.inc({ channel: t.channel, model: t.model, source: t.source, type: 'prompt' }, t.promptTokens);
        if (t.completionTokens) tokens.inc({ channel: t.channel, model: t.model, source: t.source, type: 'completion' }, t.completionTokens);
      }
    },
  });
  const seconds = new Counter({ name: 'chatai_upstream_call_seconds_total', help: 'Time spent in upstream calls, by the same labels as chatai_upstream_calls_total.', labelNames: LABELS, registers: [registry] });
  const tokens = new Counter({ name: 'chatai_upstream_tokens_total', help: 'Tokens of upstream calls by channel, model, source and type (prompt or completion).', labelNames: ['channel', 'model', 'source', 'type'], registers: [registry] });
}
