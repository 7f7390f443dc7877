/** The implementation's reverse WebSocket client (communication/ws-reverse.md, authorization.md). */
import WebSocket from 'ws';
import type { LinkInfo } from './record.ts';

export interface ReverseOptions {
  /** Sent as `Authorization: Bearer …` (default) or as `?access_token=` (`tokenIn: 'query'`). */
  accessToken?: string;
  tokenIn?: 'header' | 'query';
  /** One Universal client (default), or separate API and Event clients on the same URL. */
  clients?: 'universal' | 'split';
  /** Extra or replacing upgrade headers (`X-Self-ID` to lie about the account, say). */
  headers?: Record<string, string>;
}

/** The server refused the upgrade with this HTTP status. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`the upgrade was refused with HTTP ${status}`);
  }
}

/**
 * Opens one client connection; rejects with `UpgradeRefused` on an HTTP answer instead of a 101.
 * `onOpen` runs in the open event itself, so no frame the server sends at once can be missed.
 */
export function dial(
  url: string,
  selfId: number,
  role: LinkInfo['role'],
  opts: ReverseOptions,
  onOpen: (ws: WebSocket) => void,
): Promise<WebSocket> {
  const target = new URL(url);
  const headers: Record<string, string> = { 'X-Self-ID': String(selfId), 'X-Client-Role': role };
  if (opts.accessToken !== undefined) {
    if (opts.tokenIn === 'query') target.searchParams.set('access_token', opts.accessToken);
    else headers.Authorization = `Bearer ${opts.accessToken}`;
  }
  // autoPong off: the simulator answers pings itself, so it can play a dead peer.
  const ws = new WebSocket(target, { headers: { ...headers, ...opts.headers }, autoPong: false });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      onOpen(ws);
      resolve(ws);
    });
    ws.once('unexpected-response', (req, res) => {
      res.resume();
      req.destroy();
      reject(new UpgradeRefused(res.statusCode ?? 0));
    });
    ws.once('error', reject);
  });
}
