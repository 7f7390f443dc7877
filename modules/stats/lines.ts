/**
 * Files of JSON lines, appended to and read in blocks: forward from an offset (what was added since
 * the last read) and backward from an offset (the newest records first, stopping early). Only whole
 * lines count: a line still being written, or torn by a crash, ends without "\n" and is left alone
 * until it has one.
 */
import { appendFile, mkdir, open } from 'node:fs/promises';
import path from 'node:path';

const NEWLINE = 0x0a;
const BLOCK = 1 << 20;
const BACK_BLOCK = 64 * 1024;

const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Appends `lines` (each ending in "\n") in one write; a tail a crash left without "\n" gets one first, so it cannot swallow the first new line. */
export async function appendLines(file: string, lines: string): Promise<number> {
  await mkdir(path.dirname(file), { recursive: true });
  let lead = '';
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const last = Buffer.alloc(1);
      if (size > 0 && (await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== NEWLINE) lead = '\n';
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (!missing(err)) throw err;
  }
  const text = lead + lines;
  await appendFile(file, text, { mode: 0o600 });
  return Buffer.byteLength(text);
}

/**
 * Calls `onLine` for each whole line from byte `offset` to the end; resolves with the offset after
 * the last whole line (`offset` itself for a missing file).
 */
export async function readLinesFrom(file: string, offset: number, onLine: (line: string) => void): Promise<number> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if (missing(err)) return offset;
    throw err;
  }
  try {
    const buffer = Buffer.alloc(BLOCK);
    let carry = Buffer.alloc(0);
    let position = offset;
    let consumed = offset;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, BLOCK, position);
      if (bytesRead === 0) return consumed;
      position += bytesRead;
      const chunk = carry.length ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        if (end > start) onLine(chunk.toString('utf8', start, end));
        consumed += end + 1 - start;
        start = end + 1;
      }
      carry = Buffer.from(chunk.subarray(start));
    }
  } finally {
    await handle.close();
  }
}

/** The whole lines before byte `end`, last first; stop iterating to stop reading. */
export async function* linesBefore(file: string, end: number): AsyncGenerator<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if (missing(err)) return;
    throw err;
  }
  try {
    let position = end;
    let carry = Buffer.alloc(0);
    while (position > 0) {
      const size = Math.min(BACK_BLOCK, position);
      position -= size;
      const block = Buffer.alloc(size);
      const { bytesRead } = await handle.read(block, 0, size, position);
      const chunk = Buffer.concat([block.subarray(0, bytesRead), carry]);
      let stop = chunk.length;
      // The first piece may be the end of a line that started in an earlier block: kept for the next round.
      for (let at = chunk.lastIndexOf(NEWLINE, stop - 1); at !== -1; at = chunk.lastIndexOf(NEWLINE, stop - 1)) {
        if (stop > at + 1) yield chunk.toString('utf8', at + 1, stop);
        stop = at;
        if (stop === 0) break;
      }
      carry = Buffer.from(chunk.subarray(0, stop));
    }
    if (carry.length) yield carry.toString('utf8');
  } finally {
    await handle.close();
  }
}
