/**
 * `/api/bots` (docs/bot.md#api): the list with its counters, the forward connections kept in
 * `onebot.connections` through the configuration (validation, history, masked tokens), a test
 * message, and the reverse URL to paste; bad input is a 4xx envelope.
 */
import { expect } from 'chai';
import { OneBotSim, seg, textOf } from '../../support/onebot.ts';
import { ALICE, BOT, GROUP, bridgeSuite, reverseUrl, type Bridge } from './bridge.ts';

const TOKEN = 'forward-SECRET-token-7777';

describe('onebot: /api/bots', function () {
  this.timeout(60_000);
  let b: Bridge;
  bridgeSuite({ restore: { onebot: { connections: [] }, web: { publicUrl: '' } } }, (x) => (b = x));

  describe('GET /api/bots', () => {
    it('lists a bot with when it connected, its last event and its counters', async () => {
      const sim: OneBotSim = await b.sim();
      await sim.groupMessage({ groupId: GROUP, userId: ALICE, text: 'not for the bot' });
      await sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(BOT), seg.text(' hi')] });
      await sim.nextAction('send_group_msg');
      const [entry] = (await b.s.request('GET', '/api/bots')).body.data;
      expect(entry).to.deep.include({ selfId: String(BOT), nickname: 'SimBot', via: 'reverse', connected: true });
      expect(entry.counters).to.deep.equal({ messagesIn: 2, triggered: 1, repliesOut: 1, errors: 0 });
      expect(Date.parse(entry.lastEventAt)).to.be.at.least(Date.parse(entry.connectedAt));
      expect(entry).not.to.have.property('connectionId');
    });

    it('is empty with no bot and no connection, and needs a master token', async () => {
      expect((await b.s.request('GET', '/api/bots')).body.data).to.deep.equal([]);
      expect((await b.s.request('GET', '/api/bots', { token: null })).status).to.equal(401);
      const groupAdmin = await b.s.loginAs({ groupId: String(GROUP) });
      expect((await b.s.request('GET', '/api/bots', { token: groupAdmin })).status).to.equal(403);
    });
  });

  describe('/api/bots/connections', () => {
    it('adds a connection through the configuration: masked everywhere, kept in the history', async () => {
      const before = (await b.s.request('GET', '/api/config/history')).body.data.current;
      const added = await b.s.request('POST', '/api/bots/connections', { body: { id: 'napcat', url: 'ws://127.0.0.1:9/onebot', accessToken: TOKEN } });
      expect(added.status, added.text).to.equal(201);
      expect(added.body.data).to.deep.equal({ id: 'napcat', url: 'ws://127.0.0.1:9/onebot', accessToken: `${TOKEN.slice(0, 3)}****${TOKEN.slice(-4)}` });
      const listed = await b.s.request('GET', '/api/bots/connections');
      expect(listed.body.data).to.deep.equal([added.body.data]);
      const config = await b.s.request('GET', '/api/config/onebot');
      expect(config.body.data.connections[0].id).to.equal('napcat');
      for (const text of [added.text, listed.text, config.text]) expect(text).not.to.include(TOKEN);
      const history = (await b.s.request('GET', '/api/config/history')).body.data;
      expect(history.current).to.equal(before + 1);
      expect(history.versions[0].paths.some((p: string) => p.startsWith('onebot.connections'))).to.equal(true);
      const bots = (await b.s.request('GET', '/api/bots')).body.data;
      expect(bots).to.deep.equal([
        { selfId: null, nickname: null, via: 'forward', connectionId: 'napcat', url: 'ws://127.0.0.1:9/onebot', connected: false, roles: [], connectedAt: null, lastEventAt: null, counters: { messagesIn: 0, triggered: 0, repliesOut: 0, errors: 0 } },
      ]);
    });

    it('refuses bad input with 400, a taken id with 409, an unknown one with 404', async () => {
      for (const body of [{ url: 'ws://x' }, { id: 'a b', url: 'ws://x' }, { id: 'a', url: 'http://x' }, { id: 'a', url: 'ws://x', extra: 1 }, { id: 'a', url: 'ws://x', accessToken: 'has space' }]) {
        const res = await b.s.request('POST', '/api/bots/connections', { body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body).to.include({ success: false, code: 'VALIDATION_ERROR' });
      }
      expect((await b.s.request('POST', '/api/bots/connections', { body: { id: 'one', url: 'ws://127.0.0.1:9' } })).status).to.equal(201);
      const taken = await b.s.request('POST', '/api/bots/connections', { body: { id: 'one', url: 'ws://127.0.0.1:10' } });
      expect(taken.status).to.equal(409);
      expect(taken.body.code).to.equal('CONNECTION_EXISTS');
      const missing = await b.s.request('DELETE', '/api/bots/connections/nope');
      expect(missing.status).to.equal(404);
      expect(missing.body.code).to.equal('CONNECTION_NOT_FOUND');
      expect((await b.s.request('DELETE', '/api/bots/connections/a..b')).status).to.equal(400);
      expect((await b.s.request('DELETE', '/api/bots/connections/one')).body.data).to.deep.equal({ id: 'one', deleted: true });
      expect((await b.s.request('GET', '/api/bots/connections')).body.data).to.deep.equal([]);
    });
  });

  describe('POST /api/bots/:selfId/send', () => {
    it('sends a text to a group or a user and answers its message id', async () => {
      const sim = await b.sim();
      const toGroup = await b.s.request('POST', `/api/bots/${BOT}/send`, { body: { groupId: String(GROUP), message: 'hello group' } });
      expect(toGroup.status, toGroup.text).to.equal(200);
      const sent = await sim.nextAction('send_group_msg');
      expect(textOf(sent.params!.message)).to.equal('hello group');
      expect(toGroup.body.data).to.deep.equal({ messageId: (sent.answer!.data as { message_id: number }).message_id });
      const toUser = await b.s.request('POST', `/api/bots/${BOT}/send`, { body: { userId: ALICE, message: 'hello you' } });
      expect(toUser.status).to.equal(200);
      expect((await sim.nextAction('send_private_msg')).params).to.deep.include({ user_id: ALICE });
    });

    it('answers 404 for a bot that is not connected, 400 without exactly one target, 502 when the implementation refuses', async () => {
      const sim = await b.sim();
      const missing = await b.s.request('POST', '/api/bots/10999/send', { body: { groupId: GROUP, message: 'x' } });
      expect(missing.status).to.equal(404);
      expect(missing.body.code).to.equal('BOT_NOT_FOUND');
      for (const body of [{ message: 'x' }, { groupId: GROUP, userId: ALICE, message: 'x' }, { groupId: GROUP, message: '' }, { groupId: 'abc', message: 'x' }]) {
        expect((await b.s.request('POST', `/api/bots/${BOT}/send`, { body })).status, JSON.stringify(body)).to.equal(400);
      }
      expect((await b.s.request('POST', '/api/bots/not-a-number/send', { body: { groupId: GROUP, message: 'x' } })).status).to.equal(400);
      sim.answerNext('send_group_msg', { fail: 1400, message: 'muted' });
      const refused = await b.s.request('POST', `/api/bots/${BOT}/send`, { body: { groupId: GROUP, message: 'x' } });
      expect(refused.status).to.equal(502);
      expect(refused.body).to.deep.include({ code: 'ACTION_FAILED', retcode: 1400 });
    });
  });

  describe('GET /api/bots/groups', () => {
    it('lists the groups the connected bots are in, with their names, once each', async () => {
      await b.sim({ selfId: 10001, groups: [{ groupId: GROUP, name: 'Test group' }] });
      await b.sim({ selfId: 10002, groups: [{ groupId: GROUP, name: 'Test group' }, { groupId: 9, name: 'Small' }] });
      const res = await b.s.request('GET', '/api/bots/groups');
      expect(res.body.data).to.deep.equal([
        { groupId: '9', name: 'Small', memberCount: 10, selfIds: ['10002'] },
        { groupId: String(GROUP), name: 'Test group', memberCount: 10, selfIds: ['10001', '10002'] },
      ]);
    });

    it('leaves out a bot that fails to answer, and is empty with no bot', async () => {
      expect((await b.s.request('GET', '/api/bots/groups')).body.data).to.deep.equal([]);
      const sim = await b.sim();
      sim.answerNext('get_group_list', { fail: 1400 });
      const res = await b.s.request('GET', '/api/bots/groups');
      expect(res.status).to.equal(200);
      expect(res.body.data).to.deep.equal([]);
    });
  });

  describe('onebot.accessToken', () => {
    it('is masked in the configuration; the mask written back keeps it, an empty string clears it', async () => {
      await b.configure({ onebot: { accessToken: TOKEN } });
      const shown = await b.s.request('GET', '/api/config/onebot');
      expect(shown.text).not.to.include(TOKEN);
      await b.configure({ onebot: { accessToken: shown.body.data.accessToken, maxQueued: 50 } });
      const sim = new OneBotSim({ selfId: BOT });
      b.sims.push(sim);
      await sim.connectReverse(reverseUrl(b.s), { accessToken: TOKEN });
      await sim.drop();
      await b.configure({ onebot: { accessToken: '', maxQueued: 100 } });
      expect((await b.s.request('GET', '/api/bots/reverse')).body.data.tokenSet).to.equal(false);
    });
  });

  describe('GET /api/bots/reverse', () => {
    it('answers the URL to paste, on web.publicUrl when set, and never the token', async () => {
      expect((await b.s.request('GET', '/api/bots/reverse')).body.data).to.deep.equal({ url: `${b.s.url.replace('http', 'ws')}/onebot/v11/ws`, tokenSet: false });
      await b.configure({ web: { publicUrl: 'https://bot.example.com/chatai/' }, onebot: { accessToken: TOKEN } });
      const res = await b.s.request('GET', '/api/bots/reverse');
      expect(res.body.data).to.deep.equal({ url: 'wss://bot.example.com/chatai/onebot/v11/ws', tokenSet: true });
      expect(res.text).not.to.include(TOKEN);
      await b.configure({ onebot: { accessToken: '' } });
    });
  });
});
