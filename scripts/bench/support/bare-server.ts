/**
 * The baseline of the HTTP bench: a bare `node:http` server answering every request with the JSON
 * body in BARE_BODY. Prints `listening on <url>` like the kernel does.
 */
import { createServer } from 'node:http';

const body = Buffer.from(process.env.BARE_BODY ?? '{"success":true,"data":{}}');
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
