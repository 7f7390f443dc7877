/**
 * The original's sticker paths (docs/api.md#group-admin): the stickers its "emoji thief" collected in a
 * group. This server collects none itself (no module saves a group's images); a group's stickers are
 * the files in `DATA_DIR/emoji/<groupId>/`, where a bot owner or a module may put them. `file` is a
 * name from the client: its schema refuses anything but a base name, and the file is opened without
 * following a link, so that nothing outside the group's folder is ever read or deleted.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { HttpError, type ModuleContext, type ModuleRouter } from '../../kernel/index.ts';
import { groupRoute } from './guard.ts';
import { stickerQuery } from './schemas.ts';

/** Image types by their first bytes: the real type, whatever the name's extension says. */
const SIGNATURES: Array<[string, (head: Buffer) => boolean]> = [
  ['image/png', (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['image/jpeg', (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff],
  ['image/gif', (h) => /^GIF8[79]a/.test(h.toString('latin1', 0, 6))],
  ['image/webp', (h) => h.toString('latin1', 0, 4) === 'RIFF' && h.toString('latin1', 8, 12) === 'WEBP'],
  ['image/bmp', (h) => h.toString('latin1', 0, 2) === 'BM'],
];

const GONE = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);

/** The result, or null when the file (or the folder) is not there, or is a link. */
const unlessGone = <T>(promise: Promise<T>): Promise<T | null> =>
  promise.catch((err: unknown) => {
    if (GONE.has((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  });

// No link is followed, and a FIFO someone left there does not hang the request.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export function registerStickerRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const group = groupRoute(ctx);
  const folder = (groupId: string) => path.join(ctx.store.dir, 'emoji', groupId);
  const notFound = (groupId: string, file: string) => new HttpError(404, 'EMOJI_NOT_FOUND', `Group ${groupId} has no sticker named "${file}"`);
  /** The file's place in the group's folder. The schema already refused any other name; should it ever change, this still refuses. */
  const fileIn = (groupId: string, file: string) => {
    const target = path.join(folder(groupId), file);
    if (path.dirname(target) !== folder(groupId)) throw new HttpError(400, 'VALIDATION_ERROR', `"${file}" is not a file name`, { details: [{ path: 'query.file', message: 'must be a file name' }] });
    return target;
  };

  router.delete('/:groupId/emoji/clear', ...group('Delete every sticker collected in a group', { deprecated: true }), async (c) => {
    const dir = folder(c.params.groupId);
    let count = 0;
    for (const entry of (await unlessGone(readdir(dir, { withFileTypes: true }))) ?? []) {
      if (entry.isFile() && (await unlessGone(unlink(path.join(dir, entry.name)))) !== null) count++;
    }
    c.body = { success: true, count };
  });

  router.delete('/:groupId/emoji/delete', ...group('Delete one sticker of a group', { query: stickerQuery, deprecated: true }), async (c) => {
    const { groupId } = c.params;
    const file = c.query.file as string;
    const target = fileIn(groupId, file);
    if (!(await unlessGone(lstat(target)))?.isFile()) throw notFound(groupId, file);
    await unlink(target);
    c.body = { success: true, file };
  });

  router.get('/:groupId/emoji/view', ...group('One sticker of a group, as its image (its real type, read from its first bytes)', { query: stickerQuery, deprecated: true }), async (c) => {
    const { groupId } = c.params;
    const file = c.query.file as string;
    const handle = await unlessGone(open(fileIn(groupId, file), OPEN_FLAGS));
    if (!handle) throw notFound(groupId, file);
    const image = await describe(handle).catch(async (err: unknown) => {
      await handle.close();
      throw err;
    });
    if (!image) {
      await handle.close();
      throw notFound(groupId, file);
    }
    c.type = image.type;
    c.length = image.size;
    c.set('X-Content-Type-Options', 'nosniff');
    c.set('Cache-Control', 'private, no-cache');
    c.body = handle.createReadStream({ start: 0 });
  });
}

/** The type and size of an open regular file that is an image; null for anything else. */
async function describe(handle: FileHandle): Promise<{ type: string; size: number } | null> {
  const stat = await handle.stat();
  if (!stat.isFile()) return null;
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(12), 0, 12, 0);
  const head = buffer.subarray(0, bytesRead);
  const type = SIGNATURES.find(([, matches]) => matches(head))?.[0];
  return type ? { type, size: stat.size } : null;
}
