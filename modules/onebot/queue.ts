/**
 * Order and load (docs/bot.md#order-and-load). Triggered messages wait in their connection's queue; one
 * chat's jobs run one at a time, in order, while chats run side by side, at most
 * `onebot.maxConcurrentTurns` at once. Past `onebot.maxQueued` waiting jobs, the oldest is dropped
 * with a log line. Queues, running counts and busy chats live in the sockets' state, so a job an
 * old version still runs keeps its chat busy for the new version after a reload.
 */
import type { ModuleContext, WsSocket } from '../../kernel/index.ts';
import { ActionError } from './actions.ts';
import { liveBots, type LiveBot } from './bots.ts';
import type { BotState, Job } from './state.ts';

/** How soon to look again when jobs wait only on turns an older version runs (it will not call this one). */
const RECHECK_MS = 20;

export type RunJob = (socket: WsSocket, job: Job) => Promise<void>;

export class Scheduler {
  /** Jobs this version runs now. */
  private mine = 0;
  private retired = false;
  private recheck?: NodeJS.Timeout;

  constructor(
    private readonly ctx: ModuleContext,
    private readonly run: RunJob,
  ) {}

  private limit(key: 'maxConcurrentTurns' | 'maxQueued', fallback: number): number {
    return this.ctx.config.get<number | undefined>(`onebot.${key}`) ?? fallback;
  }

  /** Queues a job behind its chat's earlier ones, dropping the oldest waiting job when the queue is full. */
  enqueue(bot: BotState, job: Job): void {
    const live = liveBots(this.ctx.ws);
    // An event read just before its connection was replaced may be handled after (it waited for the
    // store): its job follows the waiting ones to the newer connection instead of closing with the old.
    const owner = bot.replaced ? live.find((l) => !l.bot.replaced && l.bot.via === bot.via && l.bot.selfId === bot.selfId && l.bot.role === bot.role)?.bot : undefined;
    (owner ?? bot).queue.push(job);
    let waiting = live.reduce((n, l) => n + l.bot.queue.length, 0);
    for (const max = this.limit('maxQueued', 100); waiting > max; waiting -= 1) this.dropOldest(live);
    this.pump();
  }

  /** Starts waiting jobs while there is room; a job whose chat is busy waits for it. */
  pump(): void {
    if (this.retired) return;
    clearTimeout(this.recheck);
    this.recheck = undefined;
    const live = liveBots(this.ctx.ws);
    let running = live.reduce((n, l) => n + l.bot.running, 0);
    for (const max = this.limit('maxConcurrentTurns', 8); running < max; running += 1) {
      const next = this.nextJob(live);
      if (!next) break;
      void this.start(next.owner, next.index);
    }
    if (this.mine === 0 && live.some((l) => l.bot.queue.length > 0)) this.recheck = this.ctx.setTimeout(() => this.pump(), RECHECK_MS);
  }

  /** This version was replaced: it finishes the jobs it started and starts no more. */
  retire(): void {
    this.retired = true;
    clearTimeout(this.recheck);
  }

  /** The oldest waiting job whose chat is free. */
  private nextJob(live: LiveBot[]): { owner: LiveBot; index: number } | undefined {
    let best: { owner: LiveBot; index: number } | undefined;
    for (const owner of live) {
      const index = owner.bot.queue.findIndex((job) => !owner.bot.busy[job.chat]);
      if (index === -1) continue;
      if (!best || owner.bot.queue[index].queuedAt < best.owner.bot.queue[best.index].queuedAt) best = { owner, index };
    }
    return best;
  }

  private dropOldest(live: LiveBot[]): void {
    let oldest: LiveBot | undefined;
    for (const l of live) if (l.bot.queue.length && (!oldest || l.bot.queue[0].queuedAt < oldest.bot.queue[0].queuedAt)) oldest = l;
    const job = oldest?.bot.queue.shift();
    if (!oldest || !job) return;
    oldest.bot.counters.errors += 1;
    this.ctx.log.warn(`queue full (onebot.maxQueued): dropped the oldest waiting ${job.kind} of chat ${job.chat}, queued ${Date.now() - job.queuedAt} ms ago`);
  }

  private async start({ socket, bot }: LiveBot, index: number): Promise<void> {
    const [job] = bot.queue.splice(index, 1);
    bot.busy[job.chat] = true;
    bot.running += 1;
    this.mine += 1;
    try {
      await this.run(socket, job);
    } catch (err) {
      // A failed action was counted where it was sent; anything else is a fault of the bridge.
      if (err instanceof ActionError) this.ctx.log.warn(`${job.kind} for chat ${job.chat} ended: ${err.message}`);
      else {
        bot.counters.errors += 1;
        this.ctx.log.error(`${job.kind} for chat ${job.chat} failed: ${(err as Error)?.stack ?? err}`);
      }
    } finally {
      delete bot.busy[job.chat];
      bot.running -= 1;
      this.mine -= 1;
      this.pump();
    }
  }
}
