/**
 * The baseline of the HTTP bench: a bare `node:http` server answering every request with the JSON
 * body in BARE_BODY. Prints `listening on <url>` like the kernel does. With BARE_SEND_TOGETHER=1 it
 * holds its answers to the end of the event-loop turn as the kernel does (kernel/http/send-together.ts),
 * to show what that step alone is worth.
 */
import { createServer, type ServerResponse } from 'node:http';
import { endOfTurnQueue } from '../../../kernel/http/send-together.ts';

const body = Buffer.from(process.env.BARE_BODY ?? '{"success":true,"data":{}}');
const answer = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
};
const atEndOfTurn = endOfTurnQueue();
const server = createServer(
  process.env.BARE_SEND_TOGETHER === '1' ? (_req, res) => atEndOfTurn(() => answer(res)) : (_req, res) => answer(res),
);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
