/**
 * Login tokens, shared between the server and `npm run login-link` (another process) through files:
 * each temporary token is its own 0600 file named by the token's hash, so consuming it is one
 * `unlink` — atomic across processes, so a token can be used once even under concurrent logins.
 * The permanent token is kept in clear (it must be printable again) in a 0600 file.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../store.ts';

export const TEMPORARY_TTL_MS = 5 * 60 * 1000;
/** What a group id may look like: it becomes part of URLs and file names. */
export const GROUP_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

export interface LoginTokenClaims {
  kind: 'temporary' | 'permanent';
  groupId?: string;
}

const folder = (dataDir: string) => path.join(dataDir, 'login-tokens');
const permanentFile = (dataDir: string) => path.join(dataDir, 'login-tokens', 'permanent.json');
const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const TOKEN = /^[0-9a-f]{64}$/;

/** Creates a login token. A permanent token is created once and returned again until `rotate`. */
export async function createLoginToken(
  dataDir: string,
  opts: { kind: 'temporary' | 'permanent'; groupId?: string; rotate?: boolean },
): Promise<{ token: string; expiresAt: number | null }> {
  if (opts.groupId !== undefined && !GROUP_ID_PATTERN.test(opts.groupId)) {
    throw new Error(`group id "${opts.groupId}" must be 1-64 letters, digits, "_" or "-", not starting with "-"`);
  }
  if (opts.kind === 'permanent') {
    if (opts.groupId !== undefined) throw new Error('group login tokens are always temporary');
    if (!opts.rotate) {
      const existing = await readPermanent(dataDir);
      if (existing) return { token: existing, expiresAt: null };
    }
    const token = randomBytes(32).toString('hex');
    await writeFileAtomic(permanentFile(dataDir), JSON.stringify({ token, createdAt: Date.now() }), 0o600);
    return { token, expiresAt: null };
  }
  const token = randomBytes(32).toString('hex');
  const expiresAt = Date.now() + TEMPORARY_TTL_MS;
  const record = { expiresAt, ...(opts.groupId ? { groupId: opts.groupId } : {}) };
  await writeFileAtomic(path.join(folder(dataDir), `${hash(token)}.json`), JSON.stringify(record), 0o600);
  return { token, expiresAt };
}

/** Deletes the permanent token; resolves false when there was none. */
export async function deletePermanentLoginToken(dataDir: string): Promise<boolean> {
  const existed = (await readPermanent(dataDir)) !== null;
  await rm(permanentFile(dataDir), { force: true });
  return existed;
}

/** The permanent token, or null. */
export async function readPermanent(dataDir: string): Promise<string | null> {
  try {
    const { token } = JSON.parse(await readFile(permanentFile(dataDir), 'utf8')) as { token?: string };
    return typeof token === 'string' && TOKEN.test(token) ? token : null;
  } catch {
    return null;
  }
}

/**
 * Checks a login token; a temporary one is consumed unless `keepTemporary` (a route that refuses
 * temporary tokens must not use one up). Resolves null when it is unknown, used or expired.
 */
export async function consumeLoginToken(dataDir: string, token: string, opts: { keepTemporary?: boolean } = {}): Promise<LoginTokenClaims | null> {
  if (!TOKEN.test(token)) return null;
  const permanent = await readPermanent(dataDir);
  if (permanent && timingSafeEqual(Buffer.from(permanent), Buffer.from(token))) return { kind: 'permanent' };
  const file = path.join(folder(dataDir), `${hash(token)}.json`);
  let record: { expiresAt: number; groupId?: string };
  try {
    record = JSON.parse(await readFile(file, 'utf8'));
    if (!opts.keepTemporary) await rm(file); // throws ENOENT when another login consumed it first
  } catch {
    return null;
  }
  if (!(record.expiresAt > Date.now())) return null;
  return { kind: 'temporary', ...(record.groupId ? { groupId: record.groupId } : {}) };
}

/** Removes expired temporary token files (they are harmless, but should not pile up). */
export async function pruneLoginTokens(dataDir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder(dataDir));
  } catch {
    return;
  }
  const now = Date.now();
  await Promise.all(
    names
      .filter((n) => /^[0-9a-f]{64}\.json$/.test(n))
      .map(async (n) => {
        const file = path.join(folder(dataDir), n);
        try {
          const { expiresAt } = JSON.parse(await readFile(file, 'utf8'));
          if (!(expiresAt > now)) await rm(file, { force: true });
        } catch {
          /* unreadable or gone: leave it to the next prune */
        }
      }),
  );
}
