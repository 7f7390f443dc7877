/**
 * Login links the bot hands out (docs/bot.md#commands): the same tokens as `npm run login-link`, on
 * `web.publicUrl` when set, else on the address the server listens on (`server.json`, which the
 * kernel writes at start and `login-link` reads too).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModuleContext } from '../../kernel/index.ts';

async function baseUrl(ctx: ModuleContext): Promise<string> {
  const configured = ctx.config.get<string | undefined>('web.publicUrl');
  if (configured) return configured.replace(/\/+$/, '');
  try {
    const running = JSON.parse(await readFile(path.join(ctx.store.dir, 'server.json'), 'utf8')) as { url?: unknown };
    if (typeof running.url === 'string') return running.url.replace(/\/+$/, '');
  } catch {
    // not written yet: fall back to the configured address
  }
  return `http://${process.env.HOST || '127.0.0.1'}:${process.env.PORT || 3000}`;
}

/** A login link: temporary (5 minutes, single use), permanent, or temporary and bound to a group. */
export async function loginLink(ctx: ModuleContext, opts: { permanent?: boolean; groupId?: string }): Promise<string> {
  const { token } = await ctx.auth.createLoginToken({ kind: opts.permanent ? 'permanent' : 'temporary', groupId: opts.groupId });
  return `${await baseUrl(ctx)}/login?token=${token}`;
}
