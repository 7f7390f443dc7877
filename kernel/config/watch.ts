/**
 * Watches one file for edits by other processes. The folder is watched, not the file: editors and
 * atomic writers replace the file (a rename), which would silently end a watch on the old inode.
 */
import { watch } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../types.ts';

/** Bursts of events from one save (truncate, write, rename) are folded into one call. */
const SETTLE_MS = 80;

export interface FileWatch {
  close(): void;
}

export function watchFile(file: string, onEdit: () => void, log: Logger): FileWatch {
  const name = path.basename(file);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(path.dirname(file), { persistent: false }, (_event, changed) => {
    if (changed !== null && changed.toString() !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onEdit, SETTLE_MS);
  });
  watcher.on('error', (err) => log.error(`config: stopped watching ${file}: ${err.message}`));
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
