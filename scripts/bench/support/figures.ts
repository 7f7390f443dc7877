/** What every benchmark file answers, how one figure is printed, and how a bench file runs on its own. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** `≤ 100`, `≥ 0.40`, `0`… or `info` for a figure without a target. */
  target: string;
  pass: boolean;
}

export type Bench = () => Promise<Figure[]>;

/** One line per figure: `PASS  name: value unit (target …)`. */
export function formatFigure(f: Figure): string {
  const verdict = f.target === 'info' ? 'INFO' : f.pass ? 'PASS' : 'MISS';
  return `${verdict}  ${f.name}: ${f.value} ${f.unit}${f.target === 'info' ? '' : ` (target ${f.target})`}`;
}

/** A figure with a target; `pass` follows from comparing `value` with `limit`. */
export function target(name: string, value: number, unit: string, op: '≤' | '≥' | '=', limit: number, digits = 2): Figure {
  const pass = op === '≤' ? value <= limit : op === '≥' ? value >= limit : value === limit;
  return { name, value: +value.toFixed(digits), unit, target: `${op} ${limit}`, pass };
}

/** A figure reported for context only. */
export function info(name: string, value: number, unit: string, digits = 2): Figure {
  return { name, value: +value.toFixed(digits), unit, target: 'info', pass: true };
}

/**
 * Runs `bench` when `moduleUrl` is the file node was started with (`node --import tsx scripts/bench/x.ts`).
 * A missed target is reported, not fatal; only a crash exits non-zero.
 */
export function runIfMain(moduleUrl: string, bench: Bench): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(path.resolve(process.argv[1])).href) return;
  bench().then(
    (figures) => {
      for (const f of figures) console.log(formatFigure(f));
      process.exit(0); // a bench may leave idle sockets or watchers behind; they are not worth waiting for
    },
    (err) => {
      console.error(err?.stack ?? err);
      process.exit(1);
    },
  );
}
