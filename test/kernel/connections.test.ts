import { expect } from 'chai';
import net from 'node:net';
import { chatStream } from '../modules/chat/sse-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { readFrames } from '../support/sse.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1500;
const CAP = 5;
/** How long the server lets an answered, half-closed connection linger (kernel/http/connection-limits.ts). */
const LINGER_MS = 2000;

interface RawConnection {
  socket: net.Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves once the first answer's status line has arrived. */
  statusLine: Promise<string>;
  /** Resolves with everything received once the server has ended its side, and how long that took. */
  ended: Promise<{ text: string; ms: number }>;
}

/**
 * A plain TCP connection from `localAddress` (any 127.x.y.z is loopback on Linux, so each test is a
 * client address of its own) that sends `text` as it is.
 */
function connect(s: TestServer, localAddress: string, text: string, opts: { allowHalfOpen?: boolean } = {}): RawConnection {
  const started = Date.now();
  const socket = net.connect({ port: s.port, host: '127.0.0.1', localAddress, allowHalfOpen: opts.allowHalfOpen });
  let data = '';
  socket.setEncoding('utf8');
  socket.on('connect', () => socket.write(text));
  const statusLine = new Promise<string>((resolve, reject) => {
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.includes('\r\n')) resolve(data.slice(0, data.indexOf('\r\n')));
    });
    socket.on('close', () => reject(new Error(`closed before an answer; received ${JSON.stringify(data)}`)));
  });
  statusLine.catch(() => {});
  const ended = new Promise<{ text: string; ms: number }>((resolve) => {
    socket.on('end', () => resolve({ text: data, ms: Date.now() - started }));
    socket.on('close', () => resolve({ text: data, ms: Date.now() - started }));
  });
  socket.on('error', () => {});
  return { socket, received: () => data, statusLine, ended };
}

const healthRequest = 'GET /api/system/health HTTP/1.1\r\nHost: localhost\r\n\r\n';

/** `promise`, or a rejection naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms))]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('connection limits (docs/http.md#connections)', function () {
  this.timeout(30_000);
  let s: TestServer;
  let up: Upstream;
  const open: net.Socket[] = [];

  before(async () => {
    [s, up] = await Promise.all([
      startServer({ env: { HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), MAX_CONNECTIONS_PER_IP: String(CAP) } }),
      startUpstream(),
    ]);
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.destroy();
  });
  after(() => Promise.all([s?.stop(), up?.close()]));

  it('answers a client address 429 past its open connections, and keeps serving others', async () => {
    const held = Array.from({ length: CAP }, () => connect(s, '127.0.0.2', healthRequest));
    open.push(...held.map((c) => c.socket));
    // Each was answered and stays open (keep-alive): the cap is full.
    for (const c of held) expect(await within(c.statusLine, 5000, 'held connection')).to.equal('HTTP/1.1 200 OK');
    const refused = connect(s, '127.0.0.2', healthRequest);
    open.push(refused.socket);
    const { text } = await within(refused.ended, 5000, 'refused connection');
    expect(text).to.match(/^HTTP\/1\.1 429 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).to.include({ success: false, code: 'RATE_LIMITED' });
    // Another client address is served meanwhile.
    expect((await s.request('GET', '/api/system/health')).status).to.equal(200);
    // Closing one frees its place.
    held[0].socket.destroy();
    await sleep(200);
    const next = connect(s, '127.0.0.2', healthRequest);
    open.push(next.socket);
    expect(await within(next.statusLine, 5000, 'connection after one closed')).to.equal('HTTP/1.1 200 OK');
  });

  it('closes a connection whose headers do not arrive within HEADERS_TIMEOUT_MS, with a 408 envelope', async () => {
    const slow = connect(s, '127.0.0.3', 'GET /api/system/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    open.push(slow.socket);
    const { text, ms } = await within(slow.ended, 5000, 'partial headers');
    expect(text).to.match(/^HTTP\/1\.1 408 /);
    expect(text).to.include('"code":"REQUEST_TIMEOUT"');
    expect(ms).to.be.within(HEADERS_TIMEOUT_MS - 100, HEADERS_TIMEOUT_MS + 1500);
  });

  it('closes a request whose body does not arrive within REQUEST_TIMEOUT_MS, however steadily it trickles', async () => {
    const slow = connect(s, '127.0.0.3', 'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{');
    open.push(slow.socket);
    const trickle = setInterval(() => slow.socket.writable && slow.socket.write(' '), 100);
    try {
      const { text, ms } = await within(slow.ended, 6000, 'slow body');
      expect(text).to.match(/^HTTP\/1\.1 408 /);
      expect(ms).to.be.within(REQUEST_TIMEOUT_MS - 100, REQUEST_TIMEOUT_MS + 1500);
    } finally {
      clearInterval(trickle);
    }
  });

  it('frees the places of timed-out clients that never close their side', async () => {
    const stuck = Array.from({ length: CAP }, () => connect(s, '127.0.0.4', 'GET / HTTP/1.1\r\nHost: localhost\r\n', { allowHalfOpen: true }));
    open.push(...stuck.map((c) => c.socket));
    for (const c of stuck) expect((await within(c.ended, 5000, 'stuck connection')).text).to.match(/^HTTP\/1\.1 408 /);
    // Their sockets are still open on this side; the server destroys its own after the linger.
    expect(stuck.every((c) => !c.socket.destroyed)).to.equal(true);
    await sleep(LINGER_MS + 500);
    const next = connect(s, '127.0.0.4', healthRequest);
    open.push(next.socket);
    expect(await within(next.statusLine, 5000, 'connection after the timed-out ones')).to.equal('HTTP/1.1 200 OK');
  });

  it('bounds requests, not answers: an event stream and a streamed chat answer outlive REQUEST_TIMEOUT_MS', async () => {
    const res = await fetch(`${s.url}/api/system/events`, { headers: { authorization: `Bearer ${s.token}` } });
    expect(res.status).to.equal(200);
    const reading = readFrames(res, (frames) => frames.some((f) => f.includes('"module-loaded"') && f.includes('"presets"')), 10_000);
    await sleep(REQUEST_TIMEOUT_MS * 2);
    expect((await s.request('POST', '/api/system/modules/presets/reload')).status).to.equal(200);
    await reading;

    const channel = await s.request('POST', '/api/channels', {
      body: { id: 'slow', name: 'Slow', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-slow-SECRET-0000-abcd', models: ['gpt-4o'] },
    });
    expect(channel.status).to.equal(201);
    up.enqueue({ chunks: ['one ', 'two ', 'three ', 'four'], chunkDelayMs: REQUEST_TIMEOUT_MS / 2 });
    const reply = await chatStream(s, { message: 'count slowly', userId: 'u-slow' });
    expect(reply.frames.map((f) => f.event)).to.deep.equal(['start', 'content', 'content', 'content', 'content', 'end']);
    expect(reply.frames.at(-1)!.at).to.be.above(REQUEST_TIMEOUT_MS);
  });
});
