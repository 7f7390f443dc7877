/** What the simulator received from the bridge, with waits for "the next request matching X". */
import type { Answer } from './answers.ts';

/** Which kind of connection a frame came on. */
export interface LinkInfo {
  via: 'reverse' | 'forward';
  role: 'Universal' | 'API' | 'Event';
}

/** One frame the bridge sent: an action request, or a frame the simulator refused (`error` says why). */
export interface RecordedRequest {
  /** Undefined when the frame had no usable `action`. */
  action?: string;
  params?: Record<string, unknown>;
  echo?: unknown;
  /** The parsed frame, or its text when it was not JSON. */
  frame: unknown;
  at: number;
  link: LinkInfo;
  /** Why the request was refused (answered 1400 or 1404, or ignored on an event-only connection). */
  error?: string;
  /** What was sent back, once it was (never, for a silent answer). */
  answer?: Answer;
  answeredAt?: number;
}

/** An action name, or a predicate over the recorded request. */
export type Match = string | ((r: RecordedRequest) => boolean);

export function matches(match: Match, r: RecordedRequest): boolean {
  return typeof match === 'string' ? r.action === match : match(r);
}

function describe(match: Match): string {
  return typeof match === 'string' ? `"${match}"` : 'the predicate';
}

/** Every request in arrival order; each `next` hands out a request once, oldest first. */
export class RequestLog {
  readonly all: RecordedRequest[] = [];
  private readonly taken = new Set<RecordedRequest>();
  private waiters: Array<{ match: Match; resolve: (r: RecordedRequest) => void }> = [];

  add(r: RecordedRequest): void {
    this.all.push(r);
    const waiter = this.waiters.find((w) => matches(w.match, r));
    if (!waiter) return;
    this.waiters = this.waiters.filter((w) => w !== waiter);
    this.taken.add(r);
    waiter.resolve(r);
  }

  /** The oldest request matching that no earlier `next` returned, waiting up to `timeoutMs` for it. */
  next(match: Match, timeoutMs = 2000): Promise<RecordedRequest> {
    const found = this.untaken(match)[0];
    if (found) {
      this.taken.add(found);
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (r: RecordedRequest) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no request matching ${describe(match)} within ${timeoutMs} ms; got: ${this.summary()}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Waits `ms` and fails if a request matching arrived that no `next` took. */
  async none(match: Match, ms = 300): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    const extra = this.untaken(match);
    if (extra.length) throw new Error(`expected no request matching ${describe(match)}; got: ${JSON.stringify(extra.map((r) => r.frame))}`);
  }

  private untaken(match: Match): RecordedRequest[] {
    return this.all.filter((r) => !this.taken.has(r) && matches(match, r));
  }

  private summary(): string {
    return JSON.stringify(this.all.map((r) => r.action ?? r.frame)) || '[]';
  }
}
