/**
 * `npm run bench [-- <filter>...]`: runs every `scripts/bench/*.ts` that exports `run()`, each in its
 * own node process (one bench's servers, heap and timers must not disturb the next), prints each
 * figure as it arrives and a table at the end. A missed target is reported; only a crash (or a
 * bench that hangs past its time limit) makes the exit code non-zero.
 */
import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFigure, type Figure } from './support/figures.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
/** Where the bench files are; BENCH_DIR points elsewhere only for the runner's own tests. */
const BENCH_DIR = process.env.BENCH_DIR ? path.resolve(process.env.BENCH_DIR) : HERE;
const TIME_LIMIT_MS = 5 * 60_000;

interface Outcome {
  bench: string;
  figures: Figure[];
  crashed?: string;
  seconds: number;
}

/** Runs one bench file in a child process; resolves null for a file that exports no `run()`. */
function runBench(file: string): Promise<Outcome | null> {
  const bench = path.basename(file, '.ts');
  const started = performance.now();
  return new Promise((resolve) => {
    const child = fork(path.join(HERE, 'support/child.ts'), [file], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let reply: { kind: 'skip' } | { kind: 'figures'; figures: Figure[] } | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS);
    child.on('message', (message) => {
      reply = message as typeof reply;
      if (reply?.kind === 'figures') for (const f of reply.figures) console.log(`[${bench}] ${formatFigure(f)}`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (reply?.kind === 'skip') return resolve(null);
      if (reply?.kind === 'figures' && code === 0) return resolve({ bench, figures: reply.figures, seconds });
      const crashed = signal === 'SIGKILL' ? `killed after ${TIME_LIMIT_MS / 1000} s` : `exited with ${signal ?? `code ${code}`}`;
      console.log(`[${bench}] CRASH ${crashed}`);
      resolve({ bench, figures: reply?.kind === 'figures' ? reply.figures : [], crashed, seconds });
    });
  });
}

function printTable(outcomes: Outcome[]): void {
  const rows = [['bench', 'figure', 'value', 'target', 'result']];
  for (const o of outcomes) {
    for (const f of o.figures) rows.push([o.bench, f.name, `${f.value} ${f.unit}`, f.target, f.target === 'info' ? '' : f.pass ? 'pass' : 'MISS']);
    if (o.crashed) rows.push([o.bench, '(crashed)', '', '', `CRASH: ${o.crashed}`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  console.log(`\n${line(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows.slice(1)) console.log(line(r));
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2).map((f) => f.toLowerCase());
  const files = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .filter((f) => !filters.length || filters.some((w) => f.toLowerCase().includes(w)))
    .sort();
  if (!files.length) {
    console.error(`no bench in scripts/bench/ matches ${filters.join(', ')}`);
    return 2;
  }
  const outcomes: Outcome[] = [];
  // The figures are only as good as the machine is quiet: say how busy it was.
  const load = () => `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`;
  for (const file of files) {
    console.log(`--- ${file} (${load()})`);
    const outcome = await runBench(path.join(BENCH_DIR, file));
    if (!outcome) {
      console.log(`--- ${file}: exports no run(), skipped`);
      continue;
    }
    outcomes.push(outcome);
    console.log(`--- ${file}: ${outcome.seconds.toFixed(1)} s`);
  }
  printTable(outcomes);
  const missed = outcomes.flatMap((o) => o.figures).filter((f) => !f.pass).length;
  const crashed = outcomes.filter((o) => o.crashed).length;
  console.log(`\n${outcomes.length} benches, ${missed} targets missed, ${crashed} crashed (${load()})`);
  return crashed ? 1 : 0;
}

process.exitCode = await main();
