/**
 * Counters by key, the shape of a day's rollup: each key (`<dimension>:<name>`, e.g. `user:12345`)
 * owns `width` numbers in one Float64Array. Summing a window of days is then a loop over numbers
 * with one map lookup per key, and a checkpoint is the key list and the array's bytes — a busy
 * day with thousands of users costs a few milliseconds to add up and to load, where objects per
 * user cost hundreds (measured at 3,000 users a day for 30 days).
 */

export class Table {
  readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  /** Row numbers by dimension, so that one dimension is listed without going through the others. */
  private readonly dimensions = new Map<string, number[]>();
  private store: Float64Array;

  constructor(readonly width: number) {
    this.store = new Float64Array(16 * width);
  }

  /** The numbers; the row of a key starts at the offset `row` or `find` gives. */
  get values(): Float64Array {
    return this.store;
  }

  /** The offset of `key`'s row, made (all zeros) when absent. */
  row(key: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.keys.length;
      this.keys.push(key);
      this.index.set(key, i);
      const dimension = key.slice(0, key.indexOf(':'));
      const rows = this.dimensions.get(dimension);
      if (rows) rows.push(i);
      else this.dimensions.set(dimension, [i]);
      if ((i + 1) * this.width > this.store.length) {
        const grown = new Float64Array(this.store.length * 2);
        grown.set(this.store);
        this.store = grown;
      }
    }
    return i * this.width;
  }

  /** The offset of `key`'s row, or undefined. */
  find(key: string): number | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : i * this.width;
  }

  /** Adds `amounts` to the row of `key`. */
  add(key: string, amounts: ArrayLike<number>): void {
    const at = this.row(key);
    for (let f = 0; f < amounts.length; f++) this.store[at + f] += amounts[f];
  }

  /** Adds every row of `other` (of the same width) into this one. */
  addTable(other: Table): void {
    const values = other.values;
    for (let i = 0; i < other.keys.length; i++) {
      const at = this.row(other.keys[i]);
      const from = i * this.width;
      for (let f = 0; f < this.width; f++) this.store[at + f] += values[from + f];
    }
  }

  /** Each key of `dimension` (without its prefix) with its row's offset. */
  rows(dimension: string): Array<[string, number]> {
    const skip = dimension.length + 1;
    return (this.dimensions.get(dimension) ?? []).map((i) => [this.keys[i].slice(skip), i * this.width]);
  }

  /** Plain data for a checkpoint: the keys, and the numbers as the base64 of their bytes. */
  toJSON(): { width: number; keys: string[]; values: string } {
    const used = this.store.subarray(0, this.keys.length * this.width);
    return { width: this.width, keys: this.keys, values: Buffer.from(used.buffer, used.byteOffset, used.byteLength).toString('base64') };
  }

  /** The table a checkpoint holds, or undefined when it is not one of this width. */
  static from(value: unknown, width: number): Table | undefined {
    const v = value as { width?: unknown; keys?: unknown; values?: unknown } | null;
    if (!v || v.width !== width || !Array.isArray(v.keys) || typeof v.values !== 'string') return undefined;
    if (!v.keys.every((k) => typeof k === 'string') || new Set(v.keys).size !== v.keys.length) return undefined;
    const bytes = Buffer.from(v.values, 'base64');
    if (bytes.length !== v.keys.length * width * 8) return undefined;
    const table = new Table(width);
    const numbers = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    for (let i = 0; i < v.keys.length; i++) table.add(v.keys[i] as string, numbers.subarray(i * width, (i + 1) * width));
    return table;
  }
}

/** The sum of several tables of `width`. */
export function sumTables(tables: Iterable<Table>, width: number): Table {
  const sum = new Table(width);
  for (const t of tables) sum.addTable(t);
  return sum;
}
