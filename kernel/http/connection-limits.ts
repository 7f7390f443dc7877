/**
 * Connection limits (docs/http.md#connections): a request's headers must arrive within 20 s and the whole request
 * (headers and body) within 60 s, and one client address holds at most 256 open connections. A
 * connection past the cap is answered 429 and closed without Node ever parsing what it sends.
 * Answers are not bounded: once a request has arrived, an event stream may stay open for hours.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Milliseconds and a count; 0 turns a limit off. */
export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxPerIp: number;
}

/**
 * How long a connection that was answered and half-closed (a 429 here, a 408 or 400 from
 * answerClientErrors) may still send before it is destroyed: long enough for the client to read the
 * answer rather than a reset, short enough that a client which never closes its side holds nothing.
 */
const LINGER_MS = 2000;

export function limitConnections(server: Server, limits: ConnectionLimits): void {
  // Node's deadlines run from a request's first byte until its last (the end of its body), not over the answer.
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // Node looks for late requests on a timer, every 30 s by default, which would let a slow client
  // overstay by that much. The check walks only connections in the middle of a request: cheap.
  // (A createServer option, untyped as a property, but read only when the server starts listening.)
  const deadlines = [limits.headersTimeoutMs, limits.requestTimeoutMs].filter((ms) => ms > 0);
  if (deadlines.length) {
    (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(50, Math.min(5000, Math.min(...deadlines) / 4));
  }
  if (limits.maxPerIp > 0) capPerAddress(server, limits.maxPerIp);
  server.on('clientError', (_err: Error, socket: Socket) => closeSoon(socket));
}

/** Destroys a socket that was answered and ended after a short linger (see LINGER_MS). */
export function closeSoon(socket: Socket): void {
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

function capPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  // Node's own 'connection' listener gives a socket its HTTP parser. It runs only for admitted
  // sockets, so that nothing a refused one sends can become a request.
  const parse = server.listeners('connection') as Array<(this: Server, socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= max) return refuse(socket, max);
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = open.get(address)! - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
    for (const listener of parse) listener.call(server, socket);
  });
}

function refuse(socket: Socket, max: number): void {
  const body = JSON.stringify({ success: false, error: `Too many open connections from this address (${max} at most); close some and retry`, code: 'RATE_LIMITED' });
  socket.on('error', () => socket.destroy());
  socket.end(
    'HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.resume();
  closeSoon(socket);
}
