/**
 * Request rate and success rate for the original's `GET /api/system/monitor`, from the kernel's own
 * request counters (`ctx.runtime.requests()`), which only count since start. Samples of them, one
 * every few seconds for five minutes, give the counts over a recent window; the kernel's start (all
 * counters zero) is the oldest sample, so a window of a young server is exact. The samples are this
 * version's own: after a reload a window reaches back further until new samples cover it, and the
 * answer says how many seconds each figure covers.
 */
import type { KernelRuntime, ModuleContext } from '../../kernel/index.ts';

const SAMPLE_MS = 5000;
const KEPT = (5 * 60 * 1000) / SAMPLE_MS + 1;

interface Sample {
  at: number;
  /** Requests received. */
  total: number;
  /** Requests answered (received minus in flight), and how many of them were 5xx. */
  answered: number;
  errors: number;
}

function sample(runtime: KernelRuntime, at: number): Sample {
  const { total, errors, inflight } = runtime.requests();
  return { at, total, answered: total - inflight, errors };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export interface RequestRates {
  /** Requests per minute over the last minute and the last five (averages over `windowSeconds` when that is longer). */
  rpm: number;
  rpm5: number;
  /** Percent of answered requests that were not 5xx over the last five minutes; null when none were answered. */
  successRate: number | null;
  windowSeconds: { rpm: number; rpm5: number; successRate: number };
}

/** Starts sampling for this version (the timer is released with it) and returns the figures' reader. */
export function sampleRequestRates(ctx: Pick<ModuleContext, 'runtime' | 'setInterval'>): () => RequestRates {
  const start: Sample = { at: ctx.runtime.startedAt, total: 0, answered: 0, errors: 0 };
  const samples: Sample[] = [sample(ctx.runtime, Date.now())];
  ctx.setInterval(() => {
    samples.push(sample(ctx.runtime, Date.now()));
    if (samples.length > KEPT) samples.shift();
  }, SAMPLE_MS);

  /** The newest sample at least `ms` old, else the kernel's start. */
  const since = (now: number, ms: number) => {
    for (let i = samples.length - 1; i >= 0; i -= 1) if (samples[i].at <= now - ms) return samples[i];
    return start;
  };

  return () => {
    const now = Date.now();
    const current = sample(ctx.runtime, now);
    // Per minute over the window; one shorter than asked reaches back to the start, so it holds every request of the asked span.
    const rate = (ms: number) => {
      const from = since(now, ms);
      const covered = now - from.at;
      return { perMinute: round1((current.total - from.total) / (Math.max(covered, ms) / 60_000)), seconds: Math.round(covered / 1000), from };
    };
    const minute = rate(60_000);
    const five = rate(300_000);
    const answered = current.answered - five.from.answered;
    const errors = current.errors - five.from.errors;
    return {
      rpm: minute.perMinute,
      rpm5: five.perMinute,
      successRate: answered > 0 ? round1(((answered - errors) / answered) * 100) : null,
      windowSeconds: { rpm: minute.seconds, rpm5: five.seconds, successRate: five.seconds },
    };
  };
}
