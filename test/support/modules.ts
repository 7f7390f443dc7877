/**
 * Temporary MODULES_DIRs for kernel tests: real modules are linked in, fixture modules are copied
 * (so a test can edit them) with `__KERNEL__` replaced by the kernel's absolute path.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './root.ts';

export const FIXTURES = path.join(ROOT, 'test/fixtures/modules');

export interface ModulesDir {
  dir: string;
  /** Writes a file under the modules dir (creating folders); `__KERNEL__` becomes the kernel path. */
  write(file: string, text: string): Promise<void>;
  remove(file: string): Promise<void>;
  cleanup(): Promise<void>;
}

export interface ModulesDirOptions {
  /** Modules of the project linked in (default: auth and system). */
  real?: string[];
  /** Folders of test/fixtures/modules copied in. */
  fixtures?: string[];
}

let writes = 0;

export async function makeModulesDir(opts: ModulesDirOptions = {}): Promise<ModulesDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'chatai-modules-'));
  const kernel = path.join(ROOT, 'kernel');
  for (const name of opts.real ?? ['auth', 'system']) await symlink(path.join(ROOT, 'modules', name), path.join(dir, name), 'dir');
  for (const name of opts.fixtures ?? []) {
    await cp(path.join(FIXTURES, name), path.join(dir, name), { recursive: true });
    for (const file of await readdir(path.join(dir, name), { recursive: true })) {
      const full = path.join(dir, name, file);
      if (!/\.[cm]?[jt]s$/.test(full)) continue;
      await writeFile(full, (await readFile(full, 'utf8')).replaceAll('__KERNEL__', kernel));
    }
  }
  return {
    dir,
    async write(file, text) {
      const full = path.join(dir, file);
      await mkdir(path.dirname(full), { recursive: true });
      // Written aside and renamed in: the watcher never reads a half-written module (in place, a build
      // could start between the truncation and the write and fail on an empty file).
      const aside = path.join(tmpdir(), `chatai-write-${process.pid}-${++writes}`);
      await writeFile(aside, text.replaceAll('__KERNEL__', kernel));
      await rename(aside, full);
    },
    remove: (file) => rm(path.join(dir, file), { recursive: true, force: true }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Polls `check` until it returns a truthy value or `ms` pass. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 3000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as T;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
