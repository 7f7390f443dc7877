import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { eventually } from '../support/modules.ts';
import { startServer, type TestServer } from '../support/server.ts';

const KEY = { 'x-fixture-key': 'open-sesame' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Client {
  ws: WebSocket;
  /** Every text frame received, in order. */
  frames: string[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves when `count` frames have arrived in all. */
  received(count: number, ms?: number): Promise<string[]>;
}

function track(ws: WebSocket): Client {
  const frames: string[] = [];
  ws.on('message', (data) => frames.push(String(data)));
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return { ws, frames, closed, received: (count, ms = 3000) => eventually(() => frames.length >= count && frames, ms, `${count} frames (got ${JSON.stringify(frames)})`) };
}

/** Opens a WebSocket on the test server and waits for the upgrade. */
async function connect(s: TestServer, p: string, opts: { headers?: Record<string, string>; localAddress?: string } = {}): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}${p}`, { headers: opts.headers, localAddress: opts.localAddress });
  const client = track(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return client;
}

/** An upgrade that is answered without upgrading: its status and body. */
function refusal(s: TestServer, p: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}${p}`, { headers });
    ws.on('error', () => {});
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
  });
}

/** The text a raw TCP connection from `localAddress` receives for `request`, until the server closes it. */
function raw(s: TestServer, request: string, localAddress = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: s.port, host: '127.0.0.1', localAddress }, () => socket.write(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    setTimeout(() => reject(new Error(`no close within 5 s; got ${JSON.stringify(text)}`)), 5000).unref();
  });
}

describe('WebSocket service for modules (docs/modules.md#lifetimes, docs/modules.md#websockets)', function () {
  this.timeout(30_000);
  let s: TestServer;
  let dataDir: string;
  let pluginsFile: string;
  let source: string;
  /** A loopback WebSocket server the fixture dials (the "implementation" of a forward connection). */
  let upstream: WebSocketServer;
  const dialedIn: Client[] = [];
  const dialHeaders: string[] = [];
  const clients: Client[] = [];

  const tag = async () => (await s.request('GET', '/api/sockets/tag')).body?.data;
  const traces = async () => (await readFile(path.join(dataDir, 'sockets-traces.log'), 'utf8').catch(() => '')).trim().split('\n');
  const open = async (headers = KEY) => {
    const c = await connect(s, '/fixture/ws', { headers });
    clients.push(c);
    return c;
  };
  /** Saves the fixture as version `next`. */
  const saveAs = (next: string) => s.modules!.write('sockets/index.ts', source.replace("const TAG = 'one'", `const TAG = '${next}'`));

  before(async () => {
    upstream = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => upstream.once('listening', resolve));
    upstream.on('connection', (ws, req) => {
      dialHeaders.push(String(req.headers.authorization));
      dialedIn.push(track(ws));
    });
    dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-ws-'));
    pluginsFile = path.join(dataDir, 'plugins.json');
    await writeFile(pluginsFile, JSON.stringify({ sockets: { options: { dial: `ws://127.0.0.1:${(upstream.address() as net.AddressInfo).port}/` } } }));
    s = await startServer({ dataDir, pluginsFile, modules: { fixtures: ['sockets'] } });
    source = await readFile(path.join(s.modules!.dir, 'sockets/index.ts'), 'utf8');
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await s?.stop();
    for (const c of dialedIn) c.ws.terminate();
    await new Promise((resolve) => upstream?.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('echoes over a socket a client opened with the right key', async () => {
    const c = await open();
    c.ws.send('ping');
    expect(await c.received(2)).to.deep.equal(['hello one', 'one:ping']);
    const byQuery = await connect(s, '/fixture/ws?key=open-sesame');
    clients.push(byQuery);
    expect(await byQuery.received(1)).to.deep.equal(['hello one']);
  });

  it('refuses a wrong or missing key with 401 before the upgrade, and logs no error', async () => {
    for (const headers of [{}, { 'x-fixture-key': 'guess' }] as Record<string, string>[]) {
      expect(await refusal(s, '/fixture/ws', headers)).to.deep.equal({ status: 401, body: { success: false, error: 'Wrong or missing key', code: 'UNAUTHORIZED' } });
    }
    expect(s.output()).not.to.match(/ error \[/);
  });

  it('answers an upgrade to a path nobody declared 404, an HTTP route included', async () => {
    expect((await refusal(s, '/fixture/nowhere', KEY)).status).to.equal(404);
    expect((await refusal(s, '/api/system/health', KEY)).body).to.deep.equal({ success: false, error: 'No WebSocket at /api/system/health', code: 'NOT_FOUND' });
  });

  it('still answers a request that asks for another protocol (h2c) as plain HTTP', async () => {
    const text = await raw(s, 'GET /api/system/health HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n');
    expect(text).to.match(/^HTTP\/1\.1 200 OK/);
    expect(text).to.include('"success":true');
  });

  it('logs a handler that throws with the module name and keeps the socket open for the next frame', async () => {
    const c = await open();
    c.ws.send('throw');
    c.ws.send('after');
    expect(await c.received(2)).to.deep.equal(['hello one', 'one:after']);
    expect(s.output()).to.match(/error \[module:sockets\] WebSocket \/fixture\/ws #\d+ \(127\.0\.0\.1\): onMessage failed \(the socket stays open\): Error: fixture one throws on this frame/);
  });

  it('cuts a socket the module closed when its peer never answers the closing handshake', async () => {
    // A raw client: it upgrades, sends one masked text frame, then never answers the close frame.
    const port = new URL(s.url).port;
    const raw = net.connect(Number(port), '127.0.0.1');
    raw.write(`GET /fixture/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Fixture-Key: open-sesame\r\n\r\n`);
    let received = '';
    raw.on('data', (d) => (received += d.toString('latin1')));
    await eventually(() => received.includes('hello one'), 3000);
    const mask = Buffer.from([1, 2, 3, 4]);
    const text = Buffer.from('close');
    raw.write(Buffer.concat([Buffer.from([0x81, 0x80 | text.length]), mask, Buffer.from(text.map((b, i) => b ^ mask[i % 4]))]));
    const started = Date.now();
    await new Promise((resolve) => raw.once('close', resolve));
    expect(received).to.include('asked to close');
    expect(Date.now() - started).to.be.lessThan(5000);
  });

  it('closes a socket that sends a frame over 1 MB (1009)', async () => {
    const c = await open();
    c.ws.send(Buffer.alloc(1024 * 1024 + 1));
    expect((await c.closed).code).to.equal(1009);
  });

  it('dials the connection the module declared, with its headers, and hands it its frames', async () => {
    const [dialed] = await eventually(() => dialedIn.length === 1 && dialedIn, 5000, 'the fixture to dial');
    expect(dialHeaders).to.deep.equal(['Bearer fixture-token']);
    dialed.ws.send('hi');
    expect(await dialed.received(2)).to.deep.equal(['dialed one', 'one:hi']);
    expect((await tag()).sockets).to.deep.include({ at: 'upstream', openedBy: null });
  });

  it('keeps every socket open across a reload: each frame answered once, in order, by the old version and then the new', async () => {
    const streaming = await open();
    const dialed = dialedIn[0];
    const sent: string[] = [];
    let sending = true;
    // Every third frame is answered by an async handler: the next one must wait for it.
    const stream = (async () => {
      for (let n = 0; sending; n++) {
        const frame = n % 3 === 0 ? `slow${n}` : `f${n}`;
        sent.push(frame);
        streaming.ws.send(frame);
        dialed.ws.send(frame);
        await sleep(3);
      }
    })();
    await sleep(200);
    await saveAs('two');
    await eventually(async () => (await tag())?.tag === 'two', 5000, 'version two');
    await sleep(200);
    sending = false;
    await stream;

    for (const [who, client, first] of [['client', streaming, 'hello one'], ['dialed', dialed, 'dialed one']] as const) {
      const answers = (await client.received(sent.length + (who === 'client' ? 1 : 2), 5000)).filter((f) => f !== first && f !== 'one:hi');
      expect(answers.map((a) => a.replace(/^(one|two):/, '')), `${who}: each frame once, in order`).to.deep.equal(sent);
      const tags = answers.map((a) => a.split(':')[0]);
      const switchAt = tags.indexOf('two');
      expect(switchAt, `${who}: some frames by version one`).to.be.above(0);
      expect(tags.slice(switchAt).every((t) => t === 'two'), `${who}: version one never again after two`).to.equal(true);
      expect(tags.slice(0, switchAt).every((t) => t === 'one')).to.equal(true);
      expect(client.ws.readyState, `${who}: still open`).to.equal(WebSocket.OPEN);
    }
    expect(dialedIn, 'no second dial').to.have.length(1);
    // What version one noted on the socket, version two reads.
    expect((await tag()).sockets).to.deep.include({ at: '/fixture/ws', openedBy: 'one' });
    // Sockets are not in-flight requests: the old version does not wait out the 30 s drain.
    await eventually(async () => (await traces()).includes('disposed one'), 3000, 'version one disposed');
  });

  it('keeps the sockets on the old handlers when the new version fails to build', async () => {
    const c = await open();
    await s.modules!.write('sockets/index.ts', 'export default {');
    await eventually(async () => (await s.request('GET', '/api/system/modules')).body.data.find((m: { name: string }) => m.name === 'sockets')?.status === 'failed', 5000, 'the failed build');
    c.ws.send('still');
    expect(await c.received(2)).to.deep.equal(['hello two', 'two:still']);
    await saveAs('three');
    await eventually(async () => (await tag())?.tag === 'three', 5000, 'version three');
    c.ws.send('again');
    expect((await c.received(3))[2]).to.equal('three:again');
  });

  it('dials again with backoff when the far end closes the connection', async () => {
    dialedIn[0].ws.close(1000, 'bye');
    const [, redialed] = await eventually(() => dialedIn.length === 2 && dialedIn, 5000, 'the redial');
    expect(await redialed.received(1)).to.deep.equal(['dialed three']);
  });

  it('closes the sockets (1001) and the dialed connection when the module is disabled, and dials no more', async () => {
    const c = await open();
    const dialed = dialedIn[1];
    await writeFile(pluginsFile, JSON.stringify({ sockets: { enabled: false } }));
    expect(await c.closed).to.deep.equal({ code: 1001, reason: 'module disabled' });
    expect(await dialed.closed).to.deep.equal({ code: 1001, reason: 'module disabled' });
    expect((await refusal(s, '/fixture/ws', KEY)).status).to.equal(404);
    await sleep(600); // past the fixture's longest backoff
    expect(dialedIn).to.have.length(2);
  });
});

describe('WebSocket sockets and the connection limits (docs/http.md#connections)', function () {
  this.timeout(30_000);
  const CAP = 3;
  let s: TestServer;
  const clients: Client[] = [];

  before(async () => {
    s = await startServer({
      modules: { fixtures: ['sockets'] },
      env: { HEADERS_TIMEOUT_MS: '300', REQUEST_TIMEOUT_MS: '600', MAX_CONNECTIONS_PER_IP: String(CAP) },
    });
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await s?.stop();
  });

  it('lets a live socket outlast the headers and request timeouts', async () => {
    const c = await connect(s, '/fixture/ws', { headers: KEY, localAddress: '127.0.0.5' });
    clients.push(c);
    await sleep(1500);
    c.ws.send('late');
    expect(await c.received(2)).to.deep.equal(['hello one', 'one:late']);
  });

  it('counts a socket against its address until it closes', async () => {
    const held = [];
    for (let i = 0; i < CAP; i++) held.push(await connect(s, '/fixture/ws', { headers: KEY, localAddress: '127.0.0.6' }));
    clients.push(...held);
    const health = 'GET /api/system/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';
    const past = await raw(s, health, '127.0.0.6');
    expect(past).to.match(/^HTTP\/1\.1 429/);
    held[0].ws.close();
    await held[0].closed;
    await eventually(async () => /^HTTP\/1\.1 200/.test(await raw(s, health, '127.0.0.6')), 3000, 'a free place');
  });
});
