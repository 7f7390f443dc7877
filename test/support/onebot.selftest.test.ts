/**
 * The OneBot simulator checked on its own, against small WebSocket peers written here, so that
 * the bridge's tests can trust what it plays: the token check, strict action answers, the answer
 * behaviours, the CQ-string encoding and a restart on the same port.
 */
import { expect } from 'chai';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { OneBotSim, UpgradeRefused, encodeCq, seg, textOf, forwardTexts } from './onebot.ts';

type Frame = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- frames of any shape

/** A peer's side of one socket: every frame it got, and a wait for the next one matching. */
class Peer {
  readonly texts: string[] = [];
  readonly frames: Frame[] = [];
  private taken = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.texts.push(String(data));
      try {
        this.frames.push(JSON.parse(String(data)));
      } catch {
        // a raw frame the simulator was told to send; `texts` has it
      }
    });
  }

  /** The first frame after the ones already taken that matches, within `ms`. */
  async next(match: (f: Frame) => boolean, ms = 1000): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex((f, n) => n >= this.taken && match(f));
      if (i >= 0) {
        this.taken = i + 1;
        return this.frames[i];
      }
      if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(this.frames)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Sends an action request and waits for the answer carrying its echo. */
  async call(action: string, params: unknown, echo: unknown = `e${Math.random()}`): Promise<Frame> {
    this.ws.send(JSON.stringify({ action, params, echo }));
    return this.next((f) => f.echo === echo);
  }
}

/** Opens a client to the simulator's forward server; rejects with the HTTP status when refused. */
function open(url: string, headers: Record<string, string> = {}): Promise<Peer> {
  const ws = new WebSocket(url, { headers });
  const peer = new Peer(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(peer));
    ws.once('unexpected-response', (_req, res) => reject(new UpgradeRefused(res.statusCode!)));
    ws.once('error', reject);
  });
}

const isMeta = (type: string) => (f: Frame) => f.post_type === 'meta_event' && f.meta_event_type === type;
const text = (t: string) => [seg.text(t)];

describe('OneBot simulator (test support)', () => {
  let sim: OneBotSim;
  let servedUrl: string;
  const peers: Peer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) p.ws.terminate();
    await sim.close();
  });

  async function served(opts: ConstructorParameters<typeof OneBotSim>[0] = {}): Promise<Peer> {
    sim = new OneBotSim({ groups: [{ groupId: 20002, name: 'Test group' }], ...opts });
    servedUrl = await sim.serve();
    const peer = await open(servedUrl);
    peers.push(peer);
    return peer;
  }

  describe('forward server', () => {
    it('refuses an upgrade without a token with 401 and a wrong one with 403; a right one gets lifecycle connect first', async () => {
      sim = new OneBotSim({ selfId: 777 });
      const url = await sim.serve({ accessToken: 's3cret' });
      const refused = async (headers: Record<string, string>, path = '/') =>
        open(url + path, headers).then(
          () => 0,
          (err: UpgradeRefused) => err.status,
        );
      expect(await refused({})).to.equal(401);
      expect(await refused({ Authorization: 'Bearer wrong' })).to.equal(403);
      expect(await refused({}, '/?access_token=wrong')).to.equal(403);
      expect(await refused({ Authorization: 'Bearer s3cret' }, '/nowhere')).to.equal(404);
      const peer = await open(`${url}/event/?access_token=s3cret`);
      peers.push(peer);
      const first = await peer.next(() => true);
      expect(first).to.include({ post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect', self_id: 777 });
      expect(sim.upgrades.map((u) => u.status)).to.deep.equal([401, 403, 403, 404, 101]);
      expect(sim.connections).to.deep.equal([{ via: 'forward', role: 'Event' }]);
    });

    it('sends heartbeats carrying their interval; told to, stops them and stops answering pings', async () => {
      const peer = await served({ heartbeatMs: 30 });
      expect((await peer.next(isMeta('heartbeat'))).interval).to.equal(30);
      let pongs = 0;
      const pong = new Promise((r) => peer.ws.on('pong', () => r(++pongs)));
      peer.ws.ping();
      await pong;
      sim.setHeartbeat(null);
      sim.setPongs(false);
      await new Promise((r) => setTimeout(r, 40)); // one already on the wire may still land
      const count = peer.frames.length;
      peer.ws.ping();
      await new Promise((r) => setTimeout(r, 120));
      expect(peer.frames.length).to.equal(count);
      expect(pongs).to.equal(1);
    });

    it('drops its clients when stopped, refuses while stopped, and accepts again on the same port', async () => {
      const peer = await served();
      const url = servedUrl;
      const closed = new Promise<number>((r) => peer.ws.once('close', r));
      await sim.stopServing();
      expect(await closed).to.equal(1006);
      const err = await open(url).catch((e: NodeJS.ErrnoException) => e);
      expect((err as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED');
      await sim.resumeServing();
      const again = await open(url);
      peers.push(again);
      await sim.waitConnected(1);
      const closedAgain = new Promise<number>((r) => again.ws.once('close', r));
      await sim.drop({ graceful: true });
      expect(await closedAgain).to.equal(1000);
      expect(sim.closes.map((c) => c.code)).to.deep.equal([1006, 1000]);
    });
  });

  describe('actions', () => {
    it('answers send_group_msg with increasing message ids and refuses a string message with 1400', async () => {
      const peer = await served();
      const first = await peer.call('send_group_msg', { group_id: 20002, message: [seg.reply(5), ...text('hi')] }, 1);
      const second = await peer.call('send_private_msg', { user_id: 30003, message: text('yo') }, 2);
      expect(first).to.include({ status: 'ok', retcode: 0, echo: 1 });
      expect(second.data.message_id).to.be.greaterThan(first.data.message_id);
      const stringMessage = await peer.call('send_group_msg', { group_id: 20002, message: 'hi' }, 3);
      expect(stringMessage).to.include({ status: 'failed', retcode: 1400, data: null, echo: 3 });
      const recorded = await sim.nextAction((r) => r.echo === 3);
      expect(recorded.error).to.match(/array format/);
      expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.equal('hi');
    });

    it('refuses what a real implementation refuses: bad params, unknown segments, a late reply segment, non-string data', async () => {
      const peer = await served();
      const bad: Array<[string, unknown]> = [
        ['send_group_msg', { group_id: '20002', message: text('x') }],
        ['send_group_msg', { group_id: 20002, message: [{ type: 'mystery', data: {} }] }],
        ['send_group_msg', { group_id: 20002, message: [seg.text('x'), seg.reply(5)] }],
        ['send_group_msg', { group_id: 20002, message: [{ type: 'at', data: { qq: 10001 } }] }],
        ['send_group_msg', { group_id: 20002, message: [seg.reply(5)] }],
        ['send_group_msg', { group_id: 20002, message: [] }],
        ['delete_msg', { message_id: '7' }],
        ['send_group_forward_msg', { group_id: 20002, messages: [{ type: 'node', data: { user_id: '1', nickname: 'a', content: 'x' } }] }],
      ];
      for (const [action, params] of bad) {
        expect(await peer.call(action, params), JSON.stringify(params)).to.include({ status: 'failed', retcode: 1400 });
      }
      expect(await peer.call('set_group_kick', { group_id: 20002, user_id: 1 })).to.include({ status: 'failed', retcode: 1404 });
    });

    it('answers 1400 to a frame without echo, without params or not JSON, and records each with its reason', async () => {
      const peer = await served();
      peer.ws.send(JSON.stringify({ action: 'get_login_info', params: {} }));
      peer.ws.send(JSON.stringify({ action: 'get_login_info', echo: 'p' }));
      peer.ws.send('{not json');
      const answers = await Promise.all([0, 1, 2].map(() => peer.next((f) => f.retcode === 1400)));
      expect(answers.map((a) => a.echo)).to.deep.equal([undefined, 'p', undefined]);
      expect(sim.requests.map((r) => r.error)).to.deep.equal([
        'echo is missing, so the answer could not be matched',
        'params must be an object',
        'the frame is not JSON',
      ]);
    });

    it('answers get_login_info, get_group_list, forward messages and delete_msg of a message that exists', async () => {
      const peer = await served({ selfId: 4242, nickname: 'Bot' });
      expect((await peer.call('get_login_info', {})).data).to.deep.equal({ user_id: 4242, nickname: 'Bot' });
      expect((await peer.call('get_group_list', {})).data[0]).to.include({ group_id: 20002, group_name: 'Test group' });
      const node = (t: string) => ({ type: 'node', data: { user_id: '4242', nickname: 'Bot', content: text(t) } });
      const forward = await peer.call('send_group_forward_msg', { group_id: 20002, messages: [node('a'), node('b')] });
      expect(forward.status).to.equal('ok');
      expect(forwardTexts((await sim.nextAction('send_group_forward_msg')).params!.messages)).to.deep.equal(['a', 'b']);
      const id = forward.data.message_id;
      expect(await peer.call('delete_msg', { message_id: id })).to.include({ status: 'ok' });
      expect(await peer.call('delete_msg', { message_id: id })).to.include({ status: 'failed', retcode: 1400 });
    });

    it('fails, stays silent, answers late and answers held requests out of order when told', async () => {
      const peer = await served();
      const send = (echo: string) =>
        peer.ws.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: 20002, message: text(echo) }, echo }));
      sim.answerNext('send_group_msg', { fail: 100, message: 'risk control' });
      expect(await peer.call('send_group_msg', { group_id: 20002, message: text('f') })).to.include({ status: 'failed', retcode: 100 });

      sim.answerNext('send_group_msg', 'silent');
      send('quiet');
      await sim.nextAction((r) => r.echo === 'quiet');
      await new Promise((r) => setTimeout(r, 80));
      expect(peer.frames.some((f) => f.echo === 'quiet')).to.equal(false);

      sim.answerNext('send_group_msg', { delayMs: 120 });
      const asked = Date.now();
      expect((await peer.call('send_group_msg', { group_id: 20002, message: text('late') })).status).to.equal('ok');
      expect(Date.now() - asked).to.be.at.least(110);

      sim.answerNext('send_group_msg', 'hold', 3);
      for (const echo of ['a', 'b', 'c']) send(echo);
      await sim.nextAction((r) => r.echo === 'c');
      expect(sim.releaseHeld()).to.equal(3);
      const answers = await Promise.all(['a', 'b', 'c'].map(() => peer.next((f) => /^[abc]$/.test(f.echo))));
      expect(answers.map((a) => a.echo)).to.deep.equal(['c', 'b', 'a']);
      expect(answers[0].data.message_id).to.be.greaterThan(answers[2].data.message_id); // ids follow the requests
      await sim.expectNoAction('send_private_msg', 10);
    });
  });

  describe('events', () => {
    it('encodes CQ strings with the escapes of the spec: &, [, ] in text, and , as well in parameters', () => {
      const cq = encodeCq([seg.text('[x] a&b, c'), seg.at(10001), seg.image('a,b[1]&.jpg')]);
      expect(cq).to.equal('&#91;x&#93; a&amp;b, c[CQ:at,qq=10001][CQ:image,file=a&#44;b&#91;1&#93;&amp;.jpg]');
    });

    it('sends group and private messages in both formats, pokes and member changes', async () => {
      const peer = await served({ selfId: 10001 });
      const segments = [seg.at(10001), seg.text(' [hi]')];
      const sent = await sim.groupMessage({ groupId: 20002, userId: 30003, segments, role: 'admin', format: 'string' });
      const got = await peer.next((f) => f.post_type === 'message');
      expect(got).to.deep.equal(sent);
      expect(got).to.include({ message_type: 'group', group_id: 20002, message: '[CQ:at,qq=10001] &#91;hi&#93;', self_id: 10001 });
      expect(got.sender).to.include({ user_id: 30003, role: 'admin' });

      await sim.privateMessage({ userId: 30003, text: '#ai帮助', messageId: 99 });
      expect(await peer.next((f) => f.message_type === 'private')).to.deep.include({ message: text('#ai帮助'), message_id: 99 });

      await sim.poke({ userId: 30003, groupId: 20002 });
      expect(await peer.next((f) => f.post_type === 'notice')).to.include({ sub_type: 'poke', target_id: 10001 });
      await sim.groupIncrease({ groupId: 20002, userId: 30004 });
      await sim.groupDecrease({ groupId: 20002, userId: 30004, operatorId: 1, subType: 'kick' });
      expect(await peer.next((f) => f.notice_type === 'group_increase')).to.include({ sub_type: 'approve', user_id: 30004 });
      expect(await peer.next((f) => f.notice_type === 'group_decrease')).to.include({ sub_type: 'kick', operator_id: 1 });
    });

    it('sends raw frames as given, for the bad-input tests', async () => {
      const peer = await served();
      await sim.sendRaw('{"post_type": "mess');
      await sim.event({ post_type: 'weird', self_id: 1 });
      expect(await peer.next((f) => f.post_type === 'weird')).to.include({ self_id: 1 });
      expect(peer.texts.at(-2)).to.equal('{"post_type": "mess');
    });
  });

  describe('reverse client', () => {
    let server: http.Server;
    let upgrades: IncomingMessage[];
    let accepted: Peer[];

    /** A stand-in for the bridge's reverse endpoint: accepts `Bearer t`, or `?access_token=t`, else 401. */
    beforeEach(async () => {
      upgrades = [];
      accepted = [];
      const wss = new WebSocketServer({ noServer: true });
      server = http.createServer();
      server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
        upgrades.push(req);
        const query = new URL(req.url!, 'ws://x').searchParams;
        if (req.headers.authorization !== 'Bearer t' && query.get('access_token') !== 't') {
          return socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
        }
        wss.handleUpgrade(req, socket, head, (ws) => accepted.push(new Peer(ws)));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    });
    afterEach(async () => {
      for (const p of accepted) p.ws.terminate();
      await new Promise((r) => server.close(r));
    });
    const url = () => `ws://127.0.0.1:${(server.address() as AddressInfo).port}/onebot/v11/ws`;

    it('dials as a Universal client with X-Self-ID and a Bearer token, and reconnects on demand', async () => {
      sim = new OneBotSim({ selfId: 555 });
      await sim.connectReverse(url(), { accessToken: 't' });
      expect(upgrades[0].headers).to.include({ 'x-self-id': '555', 'x-client-role': 'Universal', authorization: 'Bearer t' });
      expect(await accepted[0].next(() => true)).to.include({ meta_event_type: 'lifecycle', sub_type: 'connect' });
      expect((await accepted[0].call('get_login_info', {})).data.user_id).to.equal(555);

      const dropped = new Promise((r) => accepted[0].ws.once('close', r));
      await sim.reconnect();
      await dropped;
      expect(upgrades).to.have.length(2);
      await sim.groupMessage({ groupId: 1, userId: 2, text: 'after' });
      expect(textOf((await accepted[1].next((f) => f.post_type === 'message')).message)).to.equal('after');
    });

    it('dials separate API and Event clients with the token in the query; events go only to the Event one', async () => {
      sim = new OneBotSim();
      await sim.connectReverse(url(), { accessToken: 't', tokenIn: 'query', clients: 'split' });
      expect(upgrades.map((u) => u.headers['x-client-role']).sort()).to.deep.equal(['API', 'Event']);
      expect(upgrades.every((u) => u.url === '/onebot/v11/ws?access_token=t' && !u.headers.authorization)).to.equal(true);
      const byRole = (role: string) => accepted[upgrades.findIndex((u) => u.headers['x-client-role'] === role)];
      await sim.groupMessage({ groupId: 1, userId: 2, text: 'x' });
      await byRole('Event').next((f) => f.post_type === 'message');
      expect((await byRole('API').call('get_group_list', {})).status).to.equal('ok');
      expect(byRole('API').frames.some((f) => f.post_type)).to.equal(false);
    });

    it('rejects with the HTTP status when the bridge refuses the upgrade', async () => {
      sim = new OneBotSim();
      const err = await sim.connectReverse(url(), { accessToken: 'wrong' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(UpgradeRefused);
      expect((err as UpgradeRefused).status).to.equal(401);
      expect(sim.connections).to.deep.equal([]);
    });
  });
});
