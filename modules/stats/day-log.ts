/**
 * One kind of record (upstream calls, tool calls) kept as one file of JSON lines per day under
 * `DATA_DIR/stats/<kind>/<day>.ndjson`, with a rollup per day held in memory for the aggregates.
 *
 * - `add` keeps a record in memory; `flush` (on an interval and on dispose) appends what was kept
 *   in one write per day file, so a call costs no write of its own.
 * - A day's rollup is exactly the fold of its file's lines up to `offset`: lines get into a rollup
 *   only by being read back from the file, whoever wrote them. So a version that replaced this
 *   one picks up the records the old one flushed on its way out (`sync` reads what was appended
 *   since), and nothing is counted twice. Records not yet flushed are added by the reader at query time.
 * - A checkpoint (`<day>.rollup.json`, through the store) saves a rollup with the bytes it covers;
 *   loading takes it and reads only the lines after it. It is written on dispose and every
 *   CHECKPOINT_BYTES of new lines, so a start after a crash reads at most that much per day.
 * - Every change of the files and the rollups runs on one queue; a scan only snapshots there and
 *   reads outside it, up to the offsets it saw (later lines are in its snapshot of `pending`).
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger, Store } from '../../kernel/index.ts';
import { DAY, dayOf } from './days.ts';
import { appendLines, linesBefore, readLinesFrom } from './lines.ts';

/** What a day log needs of a record. */
export interface Stamped {
  id: string;
  timestamp: number;
}

/** How records of one kind fold into a day's rollup. */
export interface Rollup<R, D> {
  empty(): D;
  add(day: D, record: R): void;
  /** A parsed line is a record of this kind (files can be edited by hand). */
  isRecord(value: unknown): value is R;
  /** A new rollup that is the sum of `days`. */
  sum(days: D[]): D;
  /** A rollup as plain data, for its checkpoint. */
  save(day: D): unknown;
  /** The rollup a checkpoint holds, or undefined when it holds none of this kind. */
  restore(value: unknown): D | undefined;
}

/** The rollups as of now, what is on disk and what is still to be flushed. */
export interface DayView<D> {
  /** For each day of `window`, in its order: the parts that sum to it (its rollup, and a rollup of its records not yet flushed). */
  parts(window: readonly string[]): Map<string, D[]>;
  /** The sum of every day of `window`. */
  total(window: readonly string[]): D;
}

interface Checkpoint {
  format: number;
  bytes: number;
  rollup: unknown;
}

/** Bumped when a rollup's shape changes: older checkpoints are then ignored and the files read again. */
const FORMAT = 1;
const CHECKPOINT_BYTES = 1 << 20;
/** Records kept while the disk refuses them (full, read-only); older ones are dropped past this. */
const MAX_PENDING = 100_000;
const FILE = /^(\d{4}-\d{2}-\d{2})\.ndjson$/;

export class DayLog<R extends Stamped, D> {
  private readonly days = new Map<string, D>();
  /** Bytes of each day file folded into its rollup. */
  private readonly offsets = new Map<string, number>();
  /** Bytes of each day file its checkpoint covers (-1: none). */
  private readonly saved = new Map<string, number>();
  private pending: R[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly folder: string;
  private readonly warned = new Set<string>();
  /** Counts changes of the rollups of days before today: the sum of those days is kept until one changes. */
  private revision = 0;
  private pastSum: { key: string; sum: D } | undefined;

  constructor(
    private readonly store: Store,
    /** Under DATA_DIR, e.g. `stats/usage`. */
    private readonly name: string,
    private readonly rollup: Rollup<R, D>,
    private readonly log: Logger,
  ) {
    this.folder = path.join(store.dir, ...name.split('/'));
  }

  /** Keeps a record until the next flush. */
  add(record: R): void {
    this.pending.push(record);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
  }

  /** Reads the day files from `keepFrom` on (and their checkpoints), deleting older ones. */
  load(keepFrom: string): Promise<void> {
    return this.serial(async () => {
      for (const day of await this.dayFiles()) {
        if (day < keepFrom) await this.drop(day);
        else await this.loadDay(day);
      }
      for (const name of await this.store.list(this.name)) {
        const day = /^(.+)\.rollup$/.exec(name)?.[1];
        if (day && !this.days.has(day)) await this.store.remove(`${this.name}/${name}`);
      }
      // Whatever had to be read line by line is not read so again.
      await this.checkpoint(1);
    });
  }

  /** Appends the kept records to their day files, then folds the files' new lines in. */
  flush(): Promise<void> {
    return this.serial(async () => {
      if (!this.pending.length) return;
      const batch = this.pending;
      this.pending = [];
      const byDay = new Map<string, string[]>();
      for (const record of batch) {
        const day = dayOf(record.timestamp);
        let lines = byDay.get(day);
        if (!lines) byDay.set(day, (lines = []));
        lines.push(JSON.stringify(record));
      }
      for (const [day, lines] of byDay) {
        try {
          await appendLines(this.fileOf(day), lines.join('\n') + '\n');
        } catch (err) {
          // Kept for the next flush rather than lost (a full disk may get room again).
          this.pending = [...batch.filter((r) => dayOf(r.timestamp) === day), ...this.pending];
          this.log.error(`stats: could not append to ${this.fileOf(day)}`, { error: (err as Error).message });
        }
        if (!this.days.has(day)) this.track(day, this.rollup.empty(), 0, -1);
      }
      await this.sync([...byDay.keys()]);
      await this.checkpoint(CHECKPOINT_BYTES);
    });
  }

  /** Flushes and saves a checkpoint of every day that has lines it does not cover (on dispose). */
  close(): Promise<void> {
    return this.flush().then(() => this.serial(() => this.checkpoint(1)));
  }

  /**
   * Answers `fn` from the rollups, after folding in what other writers (a version being replaced)
   * appended. `fn` runs in the queue, so no flush moves records from `pending` to `days` under it.
   */
  read<T>(fn: (view: DayView<D>) => T): Promise<T> {
    return this.serial(async () => {
      await this.sync([...this.days.keys(), dayOf(Date.now())]);
      return fn({ parts: (window) => this.parts(window), total: (window) => this.total(window) });
    });
  }

  /**
   * Records that `match`, newest first, at most `limit`, from the days `from`…`to` (inclusive).
   * The files are read backwards outside the queue, up to the offsets seen when the scan began.
   */
  async scan(match: (record: R) => boolean, limit: number, from = '0000-00-00', to = '9999-99-99'): Promise<R[]> {
    const { offsets, pending } = await this.serial(async () => ({ offsets: new Map(this.offsets), pending: [...this.pending] }));
    const inRange = (day: string) => day >= from && day <= to;
    const found: R[] = [];
    for (let i = pending.length - 1; i >= 0 && found.length < limit; i--) {
      if (inRange(dayOf(pending[i].timestamp)) && match(pending[i])) found.push(pending[i]);
    }
    const days = [...offsets.keys()].filter(inRange).sort().reverse();
    for (const day of days) {
      if (found.length >= limit) break;
      for await (const line of linesBefore(this.fileOf(day), offsets.get(day)!)) {
        const record = this.parse(line, day);
        if (record && match(record)) found.push(record);
        if (found.length >= limit) break;
      }
    }
    return found;
  }

  /** Deletes the days before `keepFrom`, and kept records of those days. */
  prune(keepFrom: string): Promise<void> {
    return this.serial(async () => {
      this.pending = this.pending.filter((r) => dayOf(r.timestamp) >= keepFrom);
      for (const day of [...this.days.keys()]) if (day < keepFrom) await this.drop(day);
    });
  }

  /** Deletes every record; resolves with how many there were. */
  clear(): Promise<number> {
    return this.serial(async () => {
      let count = this.pending.length;
      this.pending = [];
      for (const day of await this.dayFiles()) {
        await readLinesFrom(this.fileOf(day), 0, () => count++);
        await this.drop(day);
      }
      for (const day of [...this.days.keys()]) await this.drop(day);
      return count;
    });
  }

  /** One rollup per day of `window` of the records not yet flushed. */
  private unflushed(window: readonly string[]): Map<string, D> {
    const wanted = new Set(window);
    const rollups = new Map<string, D>();
    for (const record of this.pending) {
      const day = dayOf(record.timestamp);
      if (!wanted.has(day)) continue;
      let rollup = rollups.get(day);
      if (!rollup) rollups.set(day, (rollup = this.rollup.empty()));
      this.rollup.add(rollup, record);
    }
    return rollups;
  }

  private parts(window: readonly string[]): Map<string, D[]> {
    const unflushed = this.unflushed(window);
    return new Map(window.map((day) => [day, [this.days.get(day), unflushed.get(day)].filter((d): d is D => d !== undefined)]));
  }

  /** The days before today are summed once and kept until one of them changes (see `revision`); today is added to that sum. */
  private total(window: readonly string[]): D {
    const today = dayOf(Date.now());
    const key = `${window[0]}|${today}|${this.revision}`;
    if (this.pastSum?.key !== key) {
      const past = window.filter((day) => day !== today && this.days.has(day)).map((day) => this.days.get(day)!);
      this.pastSum = { key, sum: this.rollup.sum(past) };
    }
    const recent = window.includes(today) && this.days.has(today) ? [this.days.get(today)!] : [];
    return this.rollup.sum([this.pastSum.sum, ...recent, ...this.unflushed(window).values()]);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private fileOf(day: string): string {
    return path.join(this.folder, `${day}.ndjson`);
  }

  private checkpointOf(day: string) {
    return this.store.collection<Checkpoint>(`${this.name}/${day}.rollup`, { format: 0, bytes: 0, rollup: {} }, { secret: true });
  }

  private async dayFiles(): Promise<string[]> {
    try {
      return (await readdir(this.folder)).map((f) => FILE.exec(f)?.[1]).filter((d): d is string => !!d && DAY.test(d)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  private track(day: string, rollup: D, offset: number, saved: number): void {
    this.changed(day);
    this.days.set(day, rollup);
    this.offsets.set(day, offset);
    this.saved.set(day, saved);
  }

  private async loadDay(day: string): Promise<void> {
    const { size } = await stat(this.fileOf(day));
    const cp = await this.checkpointOf(day).read();
    const usable = cp.format === FORMAT && Number.isInteger(cp.bytes) && cp.bytes >= 0 && cp.bytes <= size;
    const restored = usable ? this.rollup.restore(cp.rollup) : undefined;
    if (restored) this.track(day, restored, cp.bytes, cp.bytes);
    else this.track(day, this.rollup.empty(), 0, -1);
    await this.fold(day);
  }

  /** Folds the lines appended to each of `days` since they were last read. */
  private async sync(days: string[]): Promise<void> {
    await Promise.all(
      [...new Set(days)].map(async (day) => {
        let size: number;
        try {
          ({ size } = await stat(this.fileOf(day)));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          size = 0;
        }
        const offset = this.offsets.get(day);
        if (offset === size) return;
        // Shorter than what was read: cleared or replaced by someone else; read it again from the start.
        if (offset === undefined || size < offset) this.track(day, this.rollup.empty(), 0, -1);
        await this.fold(day);
      }),
    );
  }

  private async fold(day: string): Promise<void> {
    const rollup = this.days.get(day)!;
    const end = await readLinesFrom(this.fileOf(day), this.offsets.get(day)!, (line) => {
      const record = this.parse(line, day);
      if (record) this.rollup.add(rollup, record);
    });
    if (end !== this.offsets.get(day)) this.changed(day);
    this.offsets.set(day, end);
  }

  private changed(day: string): void {
    if (day !== dayOf(Date.now())) this.revision += 1;
  }

  private parse(line: string, day: string): R | undefined {
    try {
      const value: unknown = JSON.parse(line);
      if (this.rollup.isRecord(value)) return value;
    } catch {
      // reported below
    }
    if (!this.warned.has(day)) {
      this.warned.add(day);
      this.log.warn(`stats: skipped a line that is not a record in ${this.fileOf(day)} (a crash can tear the last one)`);
    }
    return undefined;
  }

  /** Saves the rollup of each day whose file has grown by at least `minBytes` since its checkpoint. */
  private async checkpoint(minBytes: number): Promise<void> {
    for (const [day, rollup] of this.days) {
      const offset = this.offsets.get(day)!;
      if (offset - this.saved.get(day)! < minBytes || offset === 0) continue;
      await this.checkpointOf(day).write({ format: FORMAT, bytes: offset, rollup: this.rollup.save(rollup) });
      this.saved.set(day, offset);
    }
  }

  private async drop(day: string): Promise<void> {
    this.changed(day);
    await rm(this.fileOf(day), { force: true });
    await this.store.remove(`${this.name}/${day}.rollup`);
    this.days.delete(day);
    this.offsets.delete(day);
    this.saved.delete(day);
  }
}
