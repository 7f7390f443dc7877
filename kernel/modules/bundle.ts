/**
 * Turns a module's files into one function we can evaluate and later drop: esbuild bundles the
 * module's own files (npm packages stay external), and the bundle is compiled as a CommonJS module
 * that is never put in `require.cache`. Re-importing ES modules instead would keep every old copy
 * alive and never re-run the files they import (nodejs/node#49442).
 *
 * esbuild's API runs the builds in a helper process of about 35 MB, which it would keep for the life of
 * the server. It is stopped once no build has run for HELPER_IDLE_MS; the next build starts it again,
 * which costs that reload about 40 ms of CPU, the helper's start-up and a slower first build (a
 * reload within the idle spell, such as a burst of saves, finds it running). The helper is esbuild's
 * one per process: a module that calls esbuild itself shares it, restarts it when stopped, and would
 * see a call in flight at the moment of the stop fail.
 */
import { mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { collectWhenSettled } from '../gc.ts';

export interface Bundle {
  exports: unknown;
  /** The evaluated bundle: Node keeps its source map (`.ts` lines in stacks) only while this object lives. */
  module: object;
  /** Every source file the bundle was built from (for the watcher). */
  files: string[];
}

const LOADERS: Record<string, esbuild.Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx' };
const KERNEL_PREFIX = 'chatai-kernel:';
const HELPER_IDLE_MS = 1000;

type InternalModule = Module & { _compile(code: string, filename: string): void; paths: string[] };
const ModuleClass = Module as unknown as {
  new (id: string, parent: unknown): InternalModule;
  _nodeModulePaths(dir: string): string[];
};

/**
 * Bundles and evaluates the module whose entry is `entry`. Imports that resolve into `kernelDir`
 * are served from the running kernel (`loadKernelFile`), so every module shares one kernel.
 */
export async function bundleModule(linkedEntry: string, kernelDir: string, loadKernelFile: (file: string) => Promise<unknown>): Promise<Bundle> {
  // Through a symlinked folder, packages must still resolve from where the files really are.
  const entry = await realpath(linkedEntry);
  const dir = path.dirname(entry);
  const kernelImports = new Set<string>();
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // A file, not inline: V8 keeps a bundle's whole text, and Node its inline map's data URL besides.
    sourcemap: 'external',
    sourceRoot: pathToFileURL(dir).href + '/',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    outfile: path.join(dir, '.bundle.cjs'),
    absWorkingDir: dir,
    plugins: [
      {
        name: 'kernel-and-import-meta',
        setup(build) {
          build.onResolve({ filter: /^[./]/ }, (args) => {
            const target = path.resolve(args.resolveDir, args.path);
            if (target === kernelDir || target.startsWith(kernelDir + path.sep)) {
              kernelImports.add(target);
              return { path: KERNEL_PREFIX + target, external: true };
            }
            return undefined;
          });
          // Each file sees its own location, as it would under ESM.
          build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
            if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
            const text = await readFile(args.path, 'utf8');
            const contents = text
              .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
              .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(path.dirname(args.path)))
              .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path));
            return { contents, loader: LOADERS[path.extname(args.path)] ?? 'js', resolveDir: path.dirname(args.path) };
          });
        },
      },
    ],
  });

  const kernelModules = new Map<string, unknown>();
  for (const target of kernelImports) kernelModules.set(KERNEL_PREFIX + target, await loadKernelFile(target));

  const filename = path.join(dir, '.bundle.cjs');
  const code = result.outputFiles.find((f) => f.path === filename)!.text;
  const map = result.outputFiles.find((f) => f.path === `${filename}.map`)!.text;
  const mapFile = await writeSourceMap(kernelDir, map);
  const mod = new ModuleClass(filename, null);
  mod.filename = filename;
  mod.paths = ModuleClass._nodeModulePaths(dir);
  const requireFromModule = createRequire(filename);
  mod.require = ((id: string) => (kernelModules.has(id) ? kernelModules.get(id) : requireFromModule(id))) as NodeJS.Require;
  // Relative: Node reads a map from a file only when its URL has no scheme.
  const mapUrl = path.relative(dir, mapFile).split(path.sep).map(encodeURIComponent).join('/');
  try {
    mod._compile(`${code}//# sourceMappingURL=${mapUrl}\n`, filename);
  } finally {
    await rm(mapFile, { force: true });
  }

  const files = Object.keys(result.metafile.inputs).map((f) => path.resolve(dir, f));
  return { exports: mod.exports, module: mod, files };
}

// The helper launch.mjs started for the kernel's own build is stopped after the modules' builds (a
// server with no module at all keeps it): stopping it before they start would add a restart to the start.
let builds = 0;
let helperTimer: NodeJS.Timeout | undefined;

function stopHelperLater(): NodeJS.Timeout {
  const stop = () => {
    void esbuild.stop();
    // What the builds left (the helper's channel keeps a buffer twice the size of the largest output) is garbage now.
    collectWhenSettled();
  };
  return setTimeout(stop, HELPER_IDLE_MS).unref();
}

/** esbuild.build, counted: the helper is stopped only when none has run for HELPER_IDLE_MS. */
const build: typeof esbuild.build = async (options) => {
  builds += 1;
  clearTimeout(helperTimer);
  try {
    return await esbuild.build(options);
  } finally {
    if (--builds === 0) helperTimer = stopHelperLater();
  }
};

let mapCounter = 0;

/**
 * Writes a bundle's source map into node_modules/.cache for the compile only: Node (20 to 24) reads
 * and keeps the map when the bundle is compiled, so the file is removed right after.
 */
async function writeSourceMap(kernelDir: string, map: string): Promise<string> {
  const dir = path.join(kernelDir, '..', 'node_modules', '.cache', 'chatai-kernel', 'maps');
  const file = path.join(dir, `${process.pid}-${++mapCounter}.map`);
  await mkdir(dir, { recursive: true });
  await writeFile(file, map);
  return file;
}
