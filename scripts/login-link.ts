/**
 * `npm run login-link [-- --permanent [--rotate] | --group <id>] [--json]`: prints a login link.
 * It writes the token where the running server looks for it, so the link works at once.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLoginToken } from '../kernel/auth/login-tokens.ts';

async function readJson(file: string): Promise<Record<string, any> | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { permanent: { type: 'boolean' }, rotate: { type: 'boolean' }, group: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log('usage: npm run login-link [-- --permanent [--rotate] | --group <id>] [--json]');
    return;
  }
  if (values.rotate && !values.permanent) throw new Error('--rotate goes with --permanent');
  if (values.group !== undefined && values.permanent) throw new Error('--group links are temporary; drop --permanent');

  const dataDir = path.resolve(process.env.DATA_DIR || 'data');
  const config = await readJson(path.join(dataDir, 'config.json'));
  const running = await readJson(path.join(dataDir, 'server.json'));
  const host = process.env.HOST || '127.0.0.1';
  const base = (config?.web?.publicUrl || running?.url || `http://${host}:${process.env.PORT || 3000}`).replace(/\/+$/, '');

  const { token, expiresAt } = await createLoginToken(dataDir, { kind: values.permanent ? 'permanent' : 'temporary', groupId: values.group, rotate: values.rotate });
  const url = `${base}/login?token=${token}`;
  if (values.json) console.log(JSON.stringify({ url, token, expiresAt }));
  else {
    const what = values.permanent ? 'Permanent link (until rotated)' : values.group ? `Group-admin link for group ${values.group} (5 minutes, single use)` : 'Temporary link (5 minutes, single use)';
    console.log(`${what}:\n${url}`);
  }
}

main().catch((err) => {
  console.error(`login-link: ${(err as Error).message}`);
  process.exit(1);
});
