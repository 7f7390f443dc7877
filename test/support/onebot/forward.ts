/**
 * The implementation's forward WebSocket server (communication/ws.md): paths `/` (Universal),
 * `/api` and `/event`, each also with a trailing slash; the access token checked on the upgrade as
 * communication/http.md answers a request: 401 when none is given, 403 when it is wrong.
 */
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LinkInfo } from './record.ts';

const ROLES: Record<string, LinkInfo['role']> = { '/': 'Universal', '/api': 'API', '/event': 'Event' };

/** One upgrade request the server saw, and the status it answered (101 when accepted). */
export interface UpgradeRecord {
  path: string;
  headers: IncomingMessage['headers'];
  query: URLSearchParams;
  status: number;
}

/** The access token a request carries: the Bearer header, else the `access_token` query value. */
function tokenOf(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) return /^Bearer (.*)$/.exec(header)?.[1] ?? '';
  return query.get('access_token') ?? undefined;
}

function refuse(socket: Socket, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export class ForwardServer {
  readonly upgrades: UpgradeRecord[] = [];
  private server?: http.Server;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });

  constructor(
    private port: number,
    private readonly accessToken: string | undefined,
    private readonly accept: (ws: WebSocket, role: LinkInfo['role']) => void,
  ) {}

  /** `ws://127.0.0.1:<port>` */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Listens on the port it had (or a free one the first time). */
  async start(): Promise<void> {
    const server = http.createServer((_req, res) => res.writeHead(426).end());
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every connection without a close frame, as a crashed process does. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const ws of this.wss.clients) ws.terminate();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => {}); // a client that hangs up mid-handshake is not the simulator's failure
    const url = new URL(req.url ?? '/', 'ws://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    const record: UpgradeRecord = { path: url.pathname, headers: req.headers, query: url.searchParams, status: 101 };
    this.upgrades.push(record);
    const role = ROLES[path];
    const token = tokenOf(req, url.searchParams);
    if (!role) record.status = 404;
    else if (this.accessToken && token === undefined) record.status = 401;
    else if (this.accessToken && token !== this.accessToken) record.status = 403;
    if (record.status !== 101) return refuse(socket, record.status);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, role));
  }
}
