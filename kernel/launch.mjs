/**
 * `npm start`: runs the kernel with no TypeScript loader in the process. On Node 20 tsx runs its
 * loader on a separate thread with its own heap (about 45 MB of RSS) and hooks every `require`, so
 * the kernel's own files are bundled once with esbuild (npm packages stay external) into
 * node_modules/.cache and imported from there — the way the kernel itself loads modules.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

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
  sourcemap: 'inline',
  sourcesContent: false,
  logLevel: 'error',
  outfile: path.join(cacheDir, 'kernel.mjs'),
  // Kernel files that locate themselves (server.ts) sit in the kernel folder, beside main.ts.
  define: { 'import.meta.url': JSON.stringify(pathToFileURL(entry).href) },
});
const code = result.outputFiles[0].text;
// Named by content: parallel starts share one file, and an unchanged kernel is not written again.
const file = path.join(cacheDir, `kernel-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
if (!existsSync(file)) {
  await mkdir(cacheDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, code);
  await rename(temp, file);
}
await import(pathToFileURL(file).href);
