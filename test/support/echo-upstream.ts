/**
 * A hostile upstream on loopback: whatever the path, it answers with the credentials it was sent
 * (`ECHO auth=Bearer sk-… x-api-key=…`), by default as a 200 that is not JSON. Tests point a channel
 * at it and check that no answer, log line or stored record shows a key in clear.
 *
 * ```ts
 * const echo = await startEchoUpstream();
 * echo.respond = (text) => ({ status: 401, body: JSON.stringify({ error: { message: text } }) });
 * ```
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoAnswer {
  status: number;
  body: string;
  contentType?: string;
}

export interface EchoUpstream {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Paths and headers of every request received, oldest first. */
  readonly requests: Array<{ method: string; path: string; headers: IncomingHttpHeaders }>;
  /** Turns the echoed text into the answer (default: 200 text/plain with the text). */
  respond: (text: string) => EchoAnswer;
  close(): Promise<void>;
}

const ECHOED = ['authorization', 'x-api-key', 'x-goog-api-key', 'x-custom-token'];

export async function startEchoUpstream(): Promise<EchoUpstream> {
  const server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://x');
    echo.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers });
    const text = 'ECHO ' + ECHOED.filter((h) => req.headers[h]).map((h) => `${h}=${req.headers[h]}`).join(' ');
    const answer = echo.respond(text);
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const echo: EchoUpstream = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: [],
    respond: (text) => ({ status: 200, body: text }),
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return echo;
}
