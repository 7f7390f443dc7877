/**
 * `npm start`: runs the kernel with no TypeScript loader in the process. On Node 20 tsx runs its
 * loader on a separate thread with its own heap (about 45 MB of RSS) and hooks every `require`, so
 * the kernel's own files are bundled once with esbuild (npm packages stay external) into
 * node_modules/.cache and imported from there — the way the kernel itself loads modules.
 */
import { executionAsyncResource } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

// Start-up is one-shot work whose results live on (module code, schemas, routes), and V8's
// heuristics misread it. So much survives the young generation that V8 grows it to its maximum
// (2 × 16 MB, kept committed while idle), although all of it ends up in the old space anyway; the old
// space grows by the default factor between the few full collections of a start, and keeps those
// pages; TurboFan optimizes start-up functions that will not run again, on helper threads whose
// malloc arenas keep ~8 MB. So while the kernel starts, the young generation stays at its initial
// size, the old space grows by 20 % between full collections, and nothing is optimized; once it
// listens (main.ts awaits the start) V8's defaults apply to the real workload, except that the young
// generation starts small and grows only if the requests need it. Measured: idle RSS 103 → 76 MB
// (`npm run bench -- startup`); under load, GC time per request +2.4 µs (~1.5 % of 175 µs).
// The lower tiers are held back too: Sparkplug and Maglev compiled a few hundred start-up functions,
// whose code stayed in the heap and whose compilers left their memory in helper threads' malloc
// arenas: Node 24 idle 86-87.5 → 82.6-82.8 MB. Maglev is on by default from V8 13 (Node 24; Node 22's
// build leaves it off, see `node --v8-options`), and is turned on again only where it was.
// A user's own flags on these (say --jitless in NODE_OPTIONS) are left alone.
const MAGLEV_BY_DEFAULT = Number(process.versions.v8.split('.')[0]) >= 13;
const START_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=20', '--no-turbofan', '--no-sparkplug', ...(MAGLEV_BY_DEFAULT ? ['--no-maglev'] : [])];
const RUN_FLAGS = ['--semi-space-growth-factor=2', '--heap-growing-percent=0', '--turbofan', '--sparkplug', ...(MAGLEV_BY_DEFAULT ? ['--maglev'] : [])];
// process.nextTick builds each queue entry with an object literal whose first keys are computed. V8
// records the shapes those keys lead to, and on meeting another shape turns the literal into a
// runtime call for good. A full collection frees shapes no live object has, and the start-up runs
// several while no entry is queued, so the next entries got new shapes: every nextTick of every
// request (about ten in Node's streams) then took the slow path, 5 % of the server's CPU under load
// (perf). One entry kept alive keeps its shapes. Inside a tick callback it is the current async
// resource; reading that enables no async hooks.
let keptTickEntry;
process.nextTick(() => (keptTickEntry = executionAsyncResource()));
const tuned = !/jitless|turbofan|maglev|sparkplug|--(no-?)?opt\b|growth|growing/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`);
if (tuned) for (const flag of START_FLAGS) v8.setFlagsFromString(flag);
// Imported only now: even the parse of esbuild's CommonJS exports was optimized by TurboFan.
const esbuild = await import('esbuild');

const kernelDir = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(kernelDir, 'main.ts');
const cacheDir = path.join(kernelDir, '..', 'node_modules', '.cache', 'chatai-kernel');

process.setSourceMapsEnabled(true);
const result = await esbuild.build({
  entryPoints: [entry],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // A file beside the bundle, not inline: V8 keeps the bundle's text, and Node an inline map's data URL besides.
  sourcemap: 'external',
  sourcesContent: false,
  logLevel: 'error',
  outfile: path.join(cacheDir, 'kernel.mjs'),
  // Kernel files that locate themselves (server.ts) sit in the kernel folder, beside main.ts.
  define: { 'import.meta.url': JSON.stringify(pathToFileURL(entry).href) },
});
const output = (ext) => result.outputFiles.find((f) => f.path.endsWith(ext)).text;
const [code, map] = [output('.mjs'), output('.mjs.map')];
// Named by content: parallel starts share one file, and an unchanged kernel is not written again.
const name = `kernel-${createHash('sha256').update(code).update(map).digest('hex').slice(0, 16)}.mjs`;
const file = path.join(cacheDir, name);
if (!existsSync(file)) {
  await mkdir(cacheDir, { recursive: true });
  // The map first: the bundle's presence is what says both are there.
  for (const [target, text] of [[`${file}.map`, map], [file, `${code}//# sourceMappingURL=${name}.map\n`]]) {
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, text);
    await rename(temp, target);
  }
}
await import(pathToFileURL(file).href);
if (tuned) for (const flag of RUN_FLAGS) v8.setFlagsFromString(flag);
