/**
 * Connections (docs/bot.md#connections, docs/bot.md#reload-and-faults, docs/bot.md#api): the reverse URL with its token or loopback rule,
 * Universal and split clients, a newer client replacing an older one, several accounts, the
 * forward connections dialed from the configuration and redialed, a quiet one closed, and the
 * connection events on /api/system/events.
 */
import { expect } from 'chai';
import { OneBotSim, UpgradeRefused, seg, textOf } from '../../support/onebot.ts';
import { eventually } from '../../support/modules.ts';
import { readFrames } from '../../support/sse.ts';
import { ALICE, BOT, GROUP, reverseUrl, bridgeSuite, type Bridge } from './bridge.ts';

const TOKEN = 'reverse-SECRET-token-0001';

describe('onebot: connections', function () {
  this.timeout(60_000);
  let b: Bridge;
  // One trusted proxy hop, so that a test can play a client that is not on loopback.
  bridgeSuite({ env: { TRUST_PROXY: '1', LOG_LEVEL: 'debug' } }, (x) => (b = x));

  const bots = async () => (await b.s.request('GET', '/api/bots')).body.data as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const refusal = (sim: OneBotSim, opts: Parameters<OneBotSim['connectReverse']>[1]) =>
    sim.connectReverse(reverseUrl(b.s), opts).then(
      () => 0,
      (err: UpgradeRefused) => err.status,
    );

  describe('reverse', () => {
    afterEach(() => b.configure({ onebot: { accessToken: '' } }));

    it('with a token set, refuses a missing or wrong one with 401 before the upgrade, and takes it as Bearer or ?access_token=', async () => {
      await b.configure({ onebot: { accessToken: TOKEN } });
      const sim = new OneBotSim({ selfId: BOT });
      b.sims.push(sim);
      expect(await refusal(sim, {})).to.equal(401);
      expect(await refusal(sim, { accessToken: 'wrong' })).to.equal(401);
      expect(await refusal(sim, { accessToken: 'wrong', tokenIn: 'query' })).to.equal(401);
      expect(sim.connections).to.deep.equal([]);
      expect(await refusal(sim, { accessToken: TOKEN })).to.equal(0);
      await sim.drop();
      expect(await refusal(sim, { accessToken: TOKEN, tokenIn: 'query' })).to.equal(0);
      // Refusals are logged at debug, never as errors, and the token is never written.
      const lines = b.s.output().split('\n');
      expect(lines.filter((l) => /\berror\b/.test(l) && /onebot|WebSocket/.test(l))).to.deep.equal([]);
      expect(b.s.output()).not.to.include(TOKEN);
      const status = await b.s.request('GET', '/api/bots/reverse');
      expect(status.body.data).to.deep.equal({ url: reverseUrl(b.s), tokenSet: true });
      expect(status.text).not.to.include(TOKEN);
    });

    it('without a token, lets loopback clients in and refuses others with 403', async () => {
      const sim = new OneBotSim({ selfId: BOT });
      b.sims.push(sim);
      expect(await refusal(sim, { headers: { 'X-Forwarded-For': '203.0.113.7' } })).to.equal(403);
      expect(await refusal(sim, {})).to.equal(0);
      expect((await b.s.request('GET', '/api/bots/reverse')).body.data.tokenSet).to.equal(false);
    });

    it('refuses an upgrade without a usable X-Self-ID or with an unknown role with 400', async () => {
      const sim = new OneBotSim({ selfId: BOT });
      b.sims.push(sim);
      expect(await refusal(sim, { headers: { 'X-Self-ID': 'bot' } })).to.equal(400);
      expect(await refusal(sim, { headers: { 'X-Client-Role': 'Spectator' } })).to.equal(400);
    });

    it('serves split API and Event clients as one bot that answers on its API connection', async () => {
      const sim = await b.sim({}, { clients: 'split' });
      await sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(BOT), seg.text(' hi')] });
      const reply = await sim.nextAction('send_group_msg');
      expect(reply.error).to.equal(undefined);
      expect(reply.link).to.deep.equal({ via: 'reverse', role: 'API' });
      const [entry, ...rest] = await bots();
      expect(rest).to.deep.equal([]);
      expect(entry).to.deep.include({ selfId: String(BOT), via: 'reverse', connected: true, nickname: 'SimBot' });
      expect(entry.roles.sort()).to.deep.equal(['API', 'Event']);
      expect(entry.counters).to.deep.equal({ messagesIn: 1, triggered: 1, repliesOut: 1, errors: 0 });
    });

    it('closes the older connection when a newer one of the same account and role arrives', async () => {
      const first = await b.sim();
      const second = await b.sim();
      await eventually(() => first.connections.length === 0, 2000, 'the first connection to be closed');
      expect(first.closes.map((c) => c.code)).to.deep.equal([1000]);
      await second.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(BOT), seg.text(' hi')] });
      await second.nextAction('send_group_msg');
      const list = await bots();
      expect(list).to.have.length(1);
      expect(list[0]).to.deep.include({ selfId: String(BOT), connected: true });
    });

    it('answers several accounts at once, each on its own connection', async () => {
      const one = await b.sim({ selfId: 10001 });
      const two = await b.sim({ selfId: 10002 });
      b.up.enqueue({ text: 'for one' }, { text: 'for two' });
      await one.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(10001), seg.text(' hi')] });
      expect(textOf((await one.nextAction('send_group_msg')).params!.message)).to.equal('for one');
      await two.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(10002), seg.text(' hi')] });
      expect(textOf((await two.nextAction('send_group_msg')).params!.message)).to.equal('for two');
      await one.expectNoAction('send_group_msg', 100);
      expect((await bots()).map((e) => e.selfId).sort()).to.deep.equal(['10001', '10002']);
    });

    it('says bot-connected and bot-disconnected on /api/system/events', async () => {
      const stream = await fetch(`${b.s.url}/api/system/events`, { headers: { authorization: `Bearer ${b.s.token}` } });
      // The bots of earlier tests may still be saying goodbye: only this one's events count.
      const frames = readFrames(stream, (f) => f.some((x) => x.includes('bot-disconnected') && x.includes('"10005"')), 5000);
      const sim = await b.sim({ selfId: 10005 });
      await sim.drop({ graceful: true });
      const data = (await frames).filter((f) => f.startsWith('data: ')).map((f) => JSON.parse(f.slice('data: '.length)));
      const events = data.filter((e) => e.type.startsWith('bot-') && e.selfId === '10005').map(({ timestamp, ...e }) => (expect(timestamp).to.be.a('number'), e));
      expect(events).to.deep.equal([
        { type: 'bot-connected', selfId: '10005', via: 'reverse', role: 'Universal' },
        { type: 'bot-disconnected', selfId: '10005', via: 'reverse', role: 'Universal' },
      ]);
    });
  });

  describe('forward', () => {
    const FORWARD_TOKEN = 'forward-SECRET-token-0002';
    afterEach(async () => {
      await b.configure({ onebot: { connections: [] } });
    });

    it('is listed from the moment it is configured, dials with its token, and redials after the implementation restarts', async () => {
      const sim = new OneBotSim({ selfId: 10007, heartbeatMs: null });
      b.sims.push(sim);
      const url = await sim.serve({ accessToken: FORWARD_TOKEN });
      await sim.stopServing();
      const added = await b.s.request('POST', '/api/bots/connections', { body: { id: 'napcat', url, accessToken: FORWARD_TOKEN } });
      expect(added.status, added.text).to.equal(201);
      expect(added.text).not.to.include(FORWARD_TOKEN);
      const listed = (await bots()).find((e) => e.connectionId === 'napcat');
      expect(listed).to.deep.include({ selfId: null, via: 'forward', connected: false, connectedAt: null });

      await sim.resumeServing();
      await eventually(async () => (await bots()).find((e) => e.connectionId === 'napcat' && e.connected && e.selfId === '10007'), 5000, 'the forward connection');
      const upgrade = sim.upgrades.find((u) => u.status === 101)!;
      expect(upgrade.headers.authorization).to.equal(`Bearer ${FORWARD_TOKEN}`);

      await sim.stopServing();
      await eventually(async () => (await bots()).find((e) => e.connectionId === 'napcat' && !e.connected), 3000, 'the drop to show');
      expect((await bots()).find((e) => e.connectionId === 'napcat')?.selfId).to.equal('10007');
      await sim.resumeServing();
      await sim.waitConnected(1, 5000);
      await sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(10007), seg.text(' still there?')] });
      const reply = await sim.nextAction('send_group_msg');
      expect(reply.link.via).to.equal('forward');
      expect(reply.error).to.equal(undefined);
      expect(b.s.output()).not.to.include(FORWARD_TOKEN);
    });

    it('closes a connection that sends nothing for three heartbeat intervals, then dials again', async () => {
      const sim = new OneBotSim({ selfId: 10008, heartbeatMs: 100 });
      b.sims.push(sim);
      const url = await sim.serve();
      await b.configure({ onebot: { connections: [{ id: 'quiet', url }] } });
      await sim.waitConnected(1, 5000);
      await new Promise((r) => setTimeout(r, 300)); // a few heartbeats: their interval is what counts
      sim.setHeartbeat(null);
      await eventually(() => sim.closes.length > 0, 3000, 'the bridge to close the quiet connection');
      expect(sim.closes[0].code).to.equal(4000);
      await sim.waitConnected(1, 5000);
    });

    it('closes the connection of an entry that is removed', async () => {
      const sim = new OneBotSim({ selfId: 10009, heartbeatMs: null });
      b.sims.push(sim);
      const url = await sim.serve();
      expect((await b.s.request('POST', '/api/bots/connections', { body: { id: 'gone', url } })).status).to.equal(201);
      await sim.waitConnected(1, 5000);
      const removed = await b.s.request('DELETE', '/api/bots/connections/gone');
      expect(removed.status, removed.text).to.equal(200);
      await sim.waitDisconnected(3000);
      expect((await bots()).some((e) => e.connectionId === 'gone')).to.equal(false);
    });
  });
});
