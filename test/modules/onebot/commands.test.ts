/**
 * Commands (docs/bot.md#commands): the master's login links, a group's admin link, ending a
 * conversation and the help, with `basic.commandPrefix`. A link goes only privately, to whom it
 * belongs, logs in through POST /api/auth/login, and is never in a group message or the log.
 */
import { expect } from 'chai';
import { seg, textOf, type OneBotSim, type RecordedRequest } from '../../support/onebot.ts';
import { eventually } from '../../support/modules.ts';
import { ALICE, BOB, BOT, GROUP, MASTER, OTHER_GROUP, chatCalls, bridgeSuite, type Bridge } from './bridge.ts';

const linkIn = (r: RecordedRequest) => /(https?:\/\/\S+\/login\?token=(\S+))/.exec(textOf(r.params!.message));
const sentTo = (userId: number) => (r: RecordedRequest) => r.action === 'send_private_msg' && r.params?.user_id === userId;

describe('onebot: commands', function () {
  this.timeout(60_000);
  let b: Bridge;
  let sim: OneBotSim;
  // At debug level: not even a debug line may carry a link.
  bridgeSuite({ env: { LOG_LEVEL: 'debug' } }, (x) => (b = x), (x) => (sim = x));

  /** Exchanges a link's token as the login page does; answers the login's data. */
  async function logIn(link: RegExpExecArray) {
    expect(link[1].startsWith(b.s.url)).to.equal(true);
    const res = await b.s.request('POST', '/api/auth/login', { body: { token: link[2] }, token: null });
    expect(res.status, res.text).to.equal(200);
    return res.body.data as { token: string; role: string; groupId?: string };
  }

  /** No group message carries a link, and no link the bot sent is in the log (the one `npm start` prints is the console's). */
  function expectNoLinkLeaked() {
    for (const r of sim.requests) {
      if (r.action === 'send_group_msg') expect(JSON.stringify(r.params)).not.to.match(/login\?token=/);
      const token = r.action === 'send_private_msg' ? linkIn(r)?.[2] : undefined;
      if (token) expect(b.s.output()).not.to.include(token);
    }
  }

  describe('#ai管理面板', () => {
    it('sends the master a temporary link privately that logs in as the master, once', async () => {
      await sim.privateMessage({ userId: MASTER, text: '#ai管理面板' });
      const sent = await sim.nextAction(sentTo(MASTER));
      expect(sent.error).to.equal(undefined);
      const link = linkIn(sent)!;
      expect(link, textOf(sent.params!.message)).to.not.equal(null);
      expect((await logIn(link)).role).to.equal('master');
      const again = await b.s.request('POST', '/api/auth/login', { body: { token: link[2] }, token: null });
      expect(again.status).to.equal(401);
      expectNoLinkLeaked();
      expect(chatCalls(b.up)).to.deep.equal([]);
    });

    it('puts the link on web.publicUrl when it is set', async () => {
      await b.configure({ web: { publicUrl: 'https://panel.example.com/' } });
      try {
        await sim.privateMessage({ userId: MASTER, text: '#ai管理面板' });
        expect(textOf((await sim.nextAction(sentTo(MASTER))).params!.message)).to.match(/https:\/\/panel\.example\.com\/login\?token=\S+/);
      } finally {
        await b.configure({ web: { publicUrl: '' } });
      }
    });

    it('with 永久 sends the permanent link', async () => {
      await sim.privateMessage({ userId: MASTER, text: '#ai管理面板 永久' });
      const link = linkIn(await sim.nextAction(sentTo(MASTER)))!;
      const permanent = await b.s.request('POST', '/api/auth/token/permanent', { body: {} });
      expect(link[2]).to.equal(permanent.body.data.token);
      expect((await logIn(link)).role).to.equal('master');
      expect((await logIn(link)).role).to.equal('master');
    });

    it('sent by the master in a group, goes privately while the group gets a note without it', async () => {
      await sim.groupMessage({ groupId: GROUP, userId: MASTER, text: '#ai管理面板' });
      const sent = await sim.nextAction(sentTo(MASTER));
      expect(sent.params!.group_id).to.equal(GROUP); // a temporary chat from the group when not a friend
      expect(linkIn(sent)).to.not.equal(null);
      const note = await sim.nextAction('send_group_msg');
      expect(textOf(note.params!.message)).to.include('私聊');
      expectNoLinkLeaked();
    });

    it('when the private message cannot be sent, the group hears so, still without the link', async () => {
      sim.answerNext('send_private_msg', { fail: 1400, message: 'not a friend' });
      await sim.groupMessage({ groupId: GROUP, userId: MASTER, text: '#ai管理面板' });
      const note = await sim.nextAction('send_group_msg');
      expect(textOf(note.params!.message)).to.include('无法私聊');
      expectNoLinkLeaked();
    });

    it('refuses anyone else, in private and in a group, with no link', async () => {
      await sim.privateMessage({ userId: ALICE, text: '#ai管理面板' });
      expect(textOf((await sim.nextAction('send_private_msg')).params!.message)).to.include('只有主人');
      await sim.groupMessage({ groupId: GROUP, userId: ALICE, role: 'owner', text: '#ai管理面板 永久' });
      expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.include('只有主人');
      await sim.expectNoAction(sentTo(ALICE), 200);
      expectNoLinkLeaked();
    });
  });

  describe('#群管理面板', () => {
    it("sends a group's admin a link privately that reaches that group only", async () => {
      await sim.groupMessage({ groupId: GROUP, userId: ALICE, role: 'admin', text: '#群管理面板' });
      const link = linkIn(await sim.nextAction(sentTo(ALICE)))!;
      expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.include('私聊');
      const login = await logIn(link);
      expect(login).to.deep.include({ role: 'group-admin', groupId: String(GROUP) });
      const own = await b.s.request('GET', `/api/group-admin/${GROUP}/effective`, { token: login.token });
      expect(own.status, own.text).to.equal(200);
      const other = await b.s.request('GET', `/api/group-admin/${OTHER_GROUP}/effective`, { token: login.token });
      expect(other.status).to.equal(403);
      expect((await b.s.request('GET', '/api/bots', { token: login.token })).status).to.equal(403);
      expectNoLinkLeaked();
    });

    it('takes its aliases from the owner, and serves the master whatever the role', async () => {
      await sim.groupMessage({ groupId: GROUP, userId: BOB, role: 'owner', text: '#群管理入口' });
      expect(linkIn(await sim.nextAction(sentTo(BOB)))).to.not.equal(null);
      await sim.groupMessage({ groupId: GROUP, userId: MASTER, role: 'member', text: '#群设置面板' });
      expect(linkIn(await sim.nextAction(sentTo(MASTER)))).to.not.equal(null);
    });

    it('refuses a plain member, and a private chat', async () => {
      await sim.groupMessage({ groupId: GROUP, userId: ALICE, role: 'member', text: '#群管理面板' });
      expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.include('只有群主');
      await sim.groupMessage({ groupId: GROUP, userId: BOB, sender: null, text: '#群管理面板' });
      expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.include('只有群主');
      await sim.privateMessage({ userId: ALICE, text: '#群管理面板' });
      expect(textOf((await sim.nextAction('send_private_msg')).params!.message)).to.include('群里');
      await sim.expectNoAction((r) => r.action === 'send_private_msg' && /login\?token=/.test(JSON.stringify(r.params)), 200);
    });
  });

  describe('#ai结束对话 and #ai帮助', () => {
    afterEach(() => b.configure({ context: { isolation: { groupUserIsolation: false } }, basic: { commandPrefix: '#ai' } }));

    const messages = async (id: string) => {
      const res = await b.s.request('GET', `/api/conversations/${encodeURIComponent(id)}`);
      return res.status === 404 ? [] : (res.body.data.messages as unknown[]);
    };

    it("clears the group's shared conversation", async () => {
      await sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(BOT), seg.text(' remember this')] });
      await sim.nextAction('send_group_msg');
      // The reply leaves before the exchange is stored.
      await eventually(async () => (await messages(`group:${GROUP}`)).length === 2, 2000, 'the exchange to be stored');
      await sim.groupMessage({ groupId: GROUP, userId: BOB, text: '#ai结束对话' });
      expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.include('已结束对话');
      expect(await messages(`group:${GROUP}`)).to.deep.equal([]);
    });

    it("clears only the sender's own conversation when group members are isolated", async () => {
      await b.configure({ context: { isolation: { groupUserIsolation: true } } });
      for (const userId of [ALICE, BOB]) {
        await sim.groupMessage({ groupId: GROUP, userId, segments: [seg.at(BOT), seg.text(' hi')] });
        await sim.nextAction('send_group_msg');
      }
      await sim.groupMessage({ groupId: GROUP, userId: ALICE, text: '#ai结束对话' });
      await sim.nextAction('send_group_msg');
      expect(await messages(`group:${GROUP}:user:${ALICE}`)).to.deep.equal([]);
      expect(await messages(`group:${GROUP}:user:${BOB}`)).to.have.length(2);
    });

    it('lists the commands with the configured prefix, which the commands then take', async () => {
      await b.configure({ basic: { commandPrefix: '#bot' } });
      await sim.privateMessage({ userId: ALICE, text: '#bot帮助' });
      const help = textOf((await sim.nextAction('send_private_msg')).params!.message);
      for (const command of ['#bot帮助', '#bot结束对话', '#bot管理面板', '#群管理面板']) expect(help).to.include(command);
      await sim.privateMessage({ userId: MASTER, text: '#ai管理面板' });
      await sim.expectNoAction(sentTo(MASTER), 300);
      await sim.privateMessage({ userId: MASTER, text: '#bot管理面板' });
      expect(linkIn(await sim.nextAction(sentTo(MASTER)))).to.not.equal(null);
      expect(chatCalls(b.up)).to.deep.equal([]);
    });
  });
});
