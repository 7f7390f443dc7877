/**
 * Hot reload: chokidar watches the modules folder, plugins.json, the folders plugins.json points at
 * and the shared files modules are built from; a change reloads the modules it belongs to after a
 * short debounce.
 */
import chokidar, { type FSWatcher } from 'chokidar';
import { watch, type FSWatcher as FSWatcherNode } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModuleTable } from './registry.ts';
import type { Logger } from '../types.ts';

const DEBOUNCE_MS = 25;
/**
 * chokidar drops a second `change` of a file that comes within 50 ms of the first, and reports
 * nothing after: a file saved again while its first save is loading (a formatter on save, a script,
 * a quick second edit) would keep its first content. So each changed file is looked at again once
 * that window has passed, and reloaded if it differs from what it was when the reload began.
 */
const CHOKIDAR_CHANGE_WINDOW_MS = 50;
const IGNORED = /(^|[/\\])(\.[^/\\]*|node_modules|[^/\\]*(\.tmp|\.swp|\.swx|~|\.bak))($|[/\\])/;

export interface ModuleWatcher {
  close(): Promise<void>;
  /** Resolves once the initial scan is done (changes before it may be missed). */
  ready: Promise<void>;
}

export function watchModules(table: ModuleTable, opts: { modulesDir: string; pluginsFile: string; dataDir: string; log: Logger }): ModuleWatcher {
  const dataDir = path.resolve(opts.dataDir);
  const pluginsFile = path.resolve(opts.pluginsFile);
  const isIgnored = (p: string) => {
    const abs = path.resolve(p);
    if (abs === pluginsFile) return false;
    if (abs === dataDir || abs.startsWith(dataDir + path.sep)) return true;
    const inside = abs.startsWith(opts.modulesDir + path.sep);
    return IGNORED.test(inside ? path.relative(opts.modulesDir, abs) : path.basename(abs));
  };
  const watcher: FSWatcher = chokidar.watch([opts.modulesDir], { ignoreInitial: true, ignored: isIgnored });
  // plugins.json is watched through its folder: chokidar's single-file watch missed quick successive
  // writes here, and a folder watch also sees editors that save by renaming a temp file over it.
  let pluginsWatch: FSWatcherNode | undefined;
  try {
    pluginsWatch = watch(path.dirname(pluginsFile), (_event, name) => {
      if (name === path.basename(pluginsFile)) onChange('change', pluginsFile);
    });
    pluginsWatch.on('error', (err) => opts.log.error(`file watcher on ${pluginsFile}: ${err.message}`));
  } catch (err) {
    opts.log.warn(`cannot watch ${pluginsFile} (${(err as Error).message}); changes to it need a restart`);
  }
  const watchedExtras = new Set<string>();
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const changedFiles = new Set<string>();
  const rechecks = new Set<NodeJS.Timeout>();
  const signature = (file: string) => stat(file).then((st) => `${st.ino}:${st.size}:${st.mtimeMs}`, () => 'missing');
  const recheckAfterWindow = (file: string) => {
    const before = signature(file);
    const timer = setTimeout(async () => {
      rechecks.delete(timer);
      if ((await before) !== (await signature(file))) onChange('change (one chokidar did not report)', file);
    }, CHOKIDAR_CHANGE_WINDOW_MS);
    rechecks.add(timer);
  };

  const flush = () => {
    timer = undefined;
    const names = new Set(dirty);
    dirty.clear();
    for (const file of changedFiles) recheckAfterWindow(file);
    changedFiles.clear();
    void table
      .sync(names)
      .then(watchExtras)
      .catch((err) => opts.log.error(`reload after a file change failed: ${(err as Error).stack}`));
  };

  // Shared files (e.g. lib/) and plugin folders outside MODULES_DIR are watched once a module uses them.
  const watchExtras = () => {
    const extras = table.externalPaths(opts.modulesDir).filter((f) => !watchedExtras.has(f));
    for (const f of extras) watchedExtras.add(f);
    if (extras.length) watcher.add(extras);
  };

  const onChange = (event: string, file: string) => {
    const abs = path.resolve(file);
    opts.log.debug(`watch: ${event} ${abs}`);
    if (abs !== pluginsFile) {
      const rel = path.relative(opts.modulesDir, abs);
      const top = rel.split(path.sep)[0];
      if (top && !rel.startsWith('..')) dirty.add(top);
      for (const owner of table.ownersOf(abs)) dirty.add(owner);
    }
    clearTimeout(timer);
    timer = setTimeout(flush, DEBOUNCE_MS);
  };

  watcher.on('all', (event, file) => {
    if (event === 'change') changedFiles.add(path.resolve(file));
    onChange(event, file);
  });
  watcher.on('error', (err) => opts.log.error(`file watcher: ${(err as Error).message}`));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  void ready.then(watchExtras);

  return {
    ready,
    async close() {
      clearTimeout(timer);
      for (const recheck of rechecks) clearTimeout(recheck);
      pluginsWatch?.close();
      await watcher.close();
    },
  };
}
