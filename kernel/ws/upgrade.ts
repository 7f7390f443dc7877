/**
 * HTTP upgrades to the modules' WebSocket paths. Each counts against its address's rate limit (429
 * past it), the path is looked up among the loaded modules' routes (404 when nobody serves it), and
 * the route's `authorize` decides before anything is upgraded: a refusal is a plain HTTP answer with the error envelope, logged at debug only. An
 * upgrade that is not to WebSocket (`curl --http2` asks for h2c) is answered as the plain request it
 * also is, as it was before the kernel listened for upgrades.
 */
import { ServerResponse, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { closeSoon } from '../http/connection-limits.ts';
import type { WsRequest } from '../types.ts';
import { MAX_PAYLOAD } from './dialer.ts';
import type { WsService } from './service.ts';

const CODES: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 429: 'RATE_LIMITED', 500: 'INTERNAL_ERROR' };

export interface UpgradeOptions {
  trustProxyHops: number;
  /** Counts an upgrade against its address (docs/http.md#rate-limit): the seconds to wait when over the limit, else null. */
  charge(ip: string): Promise<number | null>;
}

export function acceptUpgrades(server: Server, service: WsService, opts: UpgradeOptions): void {
  // One per frame size: ws takes maxPayload from the server that performs the handshake.
  const handshakers = new Map<number, WebSocketServer>();
  const handshaker = (maxPayload = MAX_PAYLOAD) => {
    let wss = handshakers.get(maxPayload);
    if (!wss) handshakers.set(maxPayload, (wss = new WebSocketServer({ noServer: true, maxPayload, clientTracking: false })));
    return wss;
  };

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') return answerPlainly(server, req, socket);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return refuse(socket, 400, 'Malformed request target');
    }
    const path = url.pathname;
    const query: Record<string, string> = Object.create(null);
    for (const [key, value] of url.searchParams) query[key] ??= value;
    const request: WsRequest = { path, query, headers: req.headers, ip: clientIp(req, opts.trustProxyHops) };

    void (async () => {
      // Every WebSocket upgrade counts against its address, before anything answers it: guessing a
      // socket's token meets 429 like guessing a login, and gets no verdict past the limit.
      const retryAfter = await opts.charge(request.ip);
      if (retryAfter !== null) return refuse(socket, 429, 'Too many requests; slow down', 'RATE_LIMITED', { 'Retry-After': String(retryAfter) });
      const found = service.find(path);
      if (!found) return refuse(socket, 404, `No WebSocket at ${path}`);
      let verdict: unknown;
      try {
        verdict = await found.route.authorize(request);
      } catch (err) {
        found.owner.log.error(`WebSocket ${path}: authorize failed: ${(err as Error)?.stack ?? String(err)}`);
        return refuse(socket, 500, 'Internal server error');
      }
      if (verdict !== true) {
        const { status, message, code } = (verdict ?? {}) as { status?: unknown; message?: unknown; code?: unknown };
        const refusal = Number.isInteger(status) && (status as number) >= 400 && (status as number) < 600 ? (status as number) : 403;
        found.owner.log.debug(`WebSocket ${path}: refused ${refusal} to ${request.ip}`);
        return refuse(socket, refusal, typeof message === 'string' ? message : 'Forbidden', typeof code === 'string' ? code : undefined);
      }
      // An authorize that waited may have seen the module reloaded or unloaded meanwhile.
      const now = service.find(path);
      if (!now) return refuse(socket, 404, `No WebSocket at ${path}`);
      if (socket.destroyed) return;
      handshaker(now.route.maxPayload).handleUpgrade(req, socket, head, (ws) => now.owner.accept(ws, path, request));
    })().catch(() => refuse(socket, 500, 'Internal server error'));
  });
}

/** The client's address as Koa's `c.ip` finds it with the same TRUST_PROXY setting. */
function clientIp(req: IncomingMessage, trustProxyHops: number): string {
  const forwarded = trustProxyHops > 0 && typeof req.headers['x-forwarded-for'] === 'string' ? req.headers['x-forwarded-for'].split(',').map((ip) => ip.trim()) : [];
  return forwarded.slice(-trustProxyHops)[0] || req.socket.remoteAddress || '';
}

/** An answer written on the raw socket, which is then closed: the upgrade does not happen. */
function refuse(socket: Socket, status: number, message: string, code = CODES[status] ?? 'UPGRADE_REFUSED', headers: Record<string, string> = {}): void {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ success: false, error: message, code });
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  closeSoon(socket);
}

/**
 * Hands a non-WebSocket upgrade request to the ordinary request handler, on a response of its own:
 * Node has detached its parser from the socket, so the connection closes after this one answer. A
 * body could no longer be read, so a request with one is refused.
 */
function answerPlainly(server: Server, req: IncomingMessage, socket: Socket): void {
  if (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding']) {
    return refuse(socket, 400, `Upgrade to "${req.headers.upgrade}" is not supported; send the request without the Upgrade header`);
  }
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket);
  res.once('finish', () => {
    res.detachSocket(socket);
    socket.destroySoon();
  });
  server.emit('request', req, res);
}
