/**
 * The store: lowdb collections, one JSON file each under DATA_DIR. Writes are serialized per file,
 * atomic (temp file + rename) and awaited, so a resolved write is on disk. An unreadable file is
 * moved aside as `<file>.corrupt-<timestamp>`, never overwritten. A file edited by hand while the
 * server runs is read again before the next write: its content is used, or, unreadable, moved aside.
 */
import { Low } from 'lowdb';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Collection, CollectionOptions, Logger, Store } from './types.ts';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Thrown when a collection file exists but is not JSON, or not in the outline of its defaults (see outlineProblem). */
export class StoreReadError extends Error {
  constructor(readonly file: string, cause: unknown) {
    super(`${file} is not a valid data file: ${(cause as Error).message}`);
  }
}

let tempCounter = 0;

/** Writes `text` to `file` through a synced temp file and a rename, so readers never see half a file. */
export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/**
 * Why `data` cannot stand for a collection with these defaults, or null. Only the outline is
 * checked: the same kind at the top, and the lists and objects the defaults hold are still lists
 * and objects; modules check what is inside. Taken for missing, `null` would be overwritten.
 */
function outlineProblem(data: unknown, defaults: unknown): string | null {
  if (kindOf(data) !== kindOf(defaults)) return `it holds ${kindOf(data)}, not ${kindOf(defaults)}`;
  if (kindOf(defaults) !== 'an object') return null;
  for (const [key, value] of Object.entries(defaults as object)) {
    const kind = kindOf(value);
    const found = (data as Record<string, unknown>)[key];
    if ((kind === 'a list' || kind === 'an object') && Object.hasOwn(data as object, key) && kindOf(found) !== kind) return `"${key}" holds ${kindOf(found)}, not ${kind}`;
  }
  return null;
}

/** lowdb adapter that writes through a temp file and rename, with the file mode chosen per collection. */
class AtomicJsonFile<T> {
  constructor(
    readonly file: string,
    private readonly mode: number,
    private readonly defaults: T,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new StoreReadError(this.file, err);
    }
    const problem = outlineProblem(data, this.defaults);
    if (problem) throw new StoreReadError(this.file, new Error(problem));
    // Keys the file lacks (an older file, a hand edit) take their defaults, as a new file would.
    if (kindOf(this.defaults) === 'an object') return { ...structuredClone(this.defaults), ...(data as object) } as T;
    return data as T;
  }

  write(data: T): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(data, null, 2), this.mode);
  }
}

/** What tells a file changed by someone else since we last read or wrote it; null: no file. */
type Stamp = { mtimeMs: number; size: number; ino: number } | null;

async function stampOf(file: string): Promise<Stamp> {
  try {
    const { mtimeMs, size, ino } = await stat(file);
    return { mtimeMs, size, ino };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const sameStamp = (a: Stamp, b: Stamp) => a === b || (a !== null && b !== null && a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino);

class JsonCollection<T> implements Collection<T> {
  private readonly low: Low<T>;
  private readonly adapter: AtomicJsonFile<T>;
  private loaded: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The file as we last read or wrote it. */
  private stamp: Stamp = null;

  constructor(readonly file: string, private readonly defaults: T, secret: boolean, private readonly log: Logger) {
    this.adapter = new AtomicJsonFile<T>(file, secret ? 0o600 : 0o644, defaults);
    this.low = new Low<T>(this.adapter, structuredClone(defaults));
  }

  private load(): Promise<void> {
    if (this.loaded) return this.loaded;
    const loading = this.low.read().then(
      async () => {
        this.stamp = await stampOf(this.file);
      },
      async (err) => {
        if (!(err instanceof StoreReadError)) throw err;
        await this.moveAside(err, 'started from defaults');
        this.low.data = structuredClone(this.defaults);
      },
    );
    this.loaded = loading;
    // Any other failure (EISDIR, EMFILE, a failed move) is this attempt's: the next call reads again.
    loading.catch(() => {
      if (this.loaded === loading) this.loaded = undefined;
    });
    return loading;
  }

  private async moveAside(err: StoreReadError, then: string): Promise<void> {
    const aside = `${this.file}.corrupt-${Date.now()}`;
    await rename(this.file, aside);
    this.stamp = null;
    this.log.error(`store: ${this.file} could not be read; moved it aside to ${aside} and ${then}`, { reason: err.message });
  }

  /**
   * Before a write: a file edited by hand since we last read or wrote it is read again. Unreadable,
   * it is moved aside; readable, its content is what an update starts from (`keep`), while a whole
   * new value (write) replaces it.
   */
  private async takeOutsideEdit(keep: boolean): Promise<void> {
    const now = await stampOf(this.file);
    if (sameStamp(now, this.stamp) || now === null) return;
    try {
      const data = (await this.adapter.read()) ?? structuredClone(this.defaults);
      this.stamp = now;
      if (!keep) {
        this.log.warn(`store: ${this.file} was changed on disk while the server ran; this write replaces that change`);
        return;
      }
      this.low.data = data;
      this.log.warn(`store: ${this.file} was changed on disk while the server ran; this write starts from that change`);
    } catch (err) {
      if (!(err instanceof StoreReadError)) throw err;
      await this.moveAside(err, 'kept the data the server had');
    }
  }

  async read(): Promise<T> {
    await this.load();
    return this.low.data;
  }

  update<R>(fn: (data: T) => R | Promise<R>): Promise<R> {
    return this.enqueue(async () => {
      await this.load();
      await this.takeOutsideEdit(true);
      // Work on a copy so a throwing `fn` or a failed write leaves memory and disk as they were.
      const draft = structuredClone(this.low.data);
      const result = await fn(draft);
      await this.commit(draft);
      return result;
    });
  }

  write(data: T): Promise<void> {
    return this.enqueue(async () => {
      await this.load();
      await this.takeOutsideEdit(false);
      await this.commit(structuredClone(data));
    });
  }

  reload(): Promise<T> {
    return this.enqueue(async () => {
      const data = await this.adapter.read();
      this.low.data = data ?? structuredClone(this.defaults);
      this.loaded = Promise.resolve();
      this.stamp = await stampOf(this.file);
      return this.low.data;
    });
  }

  /** Runs `task` after every earlier write of this file: one writer per file. */
  private enqueue<R>(task: () => Promise<R>): Promise<R> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async commit(data: T): Promise<void> {
    const previous = this.low.data;
    this.low.data = data;
    try {
      await this.low.write();
    } catch (err) {
      this.low.data = previous;
      throw err;
    }
    this.stamp = await stampOf(this.file);
  }
}

/** Opens the store rooted at `dir`. */
export function createStore(dir: string, log: Logger): Store {
  const root = path.resolve(dir);
  // Weakly held, so that a collection nobody uses any more (an old conversation) leaves memory, while
  // every user of a live one shares the same instance and so the same write queue.
  const open = new Map<string, WeakRef<JsonCollection<unknown>>>();
  const forget = new FinalizationRegistry<string>((file) => {
    if (!open.get(file)?.deref()) open.delete(file);
  });

  const fileOf = (name: string): string => {
    const segments = name.split('/');
    if (!segments.every((s) => SEGMENT.test(s) && !s.endsWith('.tmp'))) {
      throw new Error(`store: invalid collection name "${name}"`);
    }
    return path.join(root, ...segments) + '.json';
  };

  return {
    dir: root,
    collection<T>(name: string, defaults: T, options: CollectionOptions = {}): Collection<T> {
      const file = fileOf(name);
      let collection = open.get(file)?.deref() as JsonCollection<T> | undefined;
      if (!collection) {
        collection = new JsonCollection<T>(file, defaults, options.secret === true, log);
        open.set(file, new WeakRef(collection as JsonCollection<unknown>));
        forget.register(collection, file);
      }
      return collection;
    },
    async list(dirName: string): Promise<string[]> {
      const folder = dirName ? path.dirname(fileOf(`${dirName}/x`)) : root;
      try {
        const names = await readdir(folder);
        return names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    async remove(name: string): Promise<boolean> {
      const file = fileOf(name);
      const collection = open.get(file)?.deref();
      open.delete(file);
      // Wait for pending writes so a late write does not bring the file back.
      if (collection) await collection.update(() => undefined).catch(() => undefined);
      try {
        await rm(file);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
    },
  };
}

