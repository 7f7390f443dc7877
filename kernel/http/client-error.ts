/**
 * Requests that Node's HTTP parser refuses before Koa sees them — malformed, headers over Node's
 * 16 KB limit, too slow to arrive — get the same JSON envelope as every other error, instead of
 * Node's bare status line, and the connection is closed.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

function answerOf(code: string | undefined): [number, string, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'HEADERS_TOO_LARGE', 'Request headers are too large (16 KB at most): send less in the URL, cookies or headers'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'REQUEST_TIMEOUT', 'The request did not arrive in time'];
  return [400, 'BAD_REQUEST', 'Malformed HTTP request'];
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex & { _httpMessage?: { headersSent?: boolean } }) => {
    // A reset connection cannot be answered; nor one whose answer has begun (a pipelined request).
    if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, code, message] = answerOf(err.code);
    const body = JSON.stringify({ success: false, error: message, code });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
