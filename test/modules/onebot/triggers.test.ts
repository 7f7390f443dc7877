/**
 * What gets an answer (docs/bot.md#message-pipeline, docs/bot.md#triggers): each trigger kind with the group's effective
 * settings, and its absence, which costs no upstream call; private modes; the lists; the bot's
 * own messages; both message formats.
 */
import { expect } from 'chai';
import { seg, textOf, type OneBotSim } from '../../support/onebot.ts';
import { ALICE, BOB, BOT, GROUP, OTHER_GROUP, chatCalls, bridgeSuite, type Bridge } from './bridge.ts';

const TRIGGER_DEFAULTS = {
  private: { enabled: true, mode: 'prefix' },
  group: { enabled: true, at: true, prefix: true, keyword: false, random: false, randomRate: 0.05 },
  prefixes: ['#chat'],
  keywords: [],
  blacklistUsers: [],
  whitelistUsers: [],
  blacklistGroups: [],
  whitelistGroups: [],
};

describe('onebot: triggers', function () {
  this.timeout(60_000);
  let b: Bridge;
  let sim: OneBotSim;
  bridgeSuite({ restore: { trigger: TRIGGER_DEFAULTS }, resetGroups: [GROUP] }, (x) => (b = x), (x) => (sim = x));

  type Sent = Parameters<OneBotSim['groupMessage']>[0];
  /** Sends a group message and answers what the model was asked (its last user message). */
  async function asked(o: Partial<Sent> & { text?: string }): Promise<string> {
    const before = chatCalls(b.up).length;
    await sim.groupMessage({ groupId: GROUP, userId: ALICE, ...o });
    const reply = await sim.nextAction('send_group_msg');
    expect(reply.error).to.equal(undefined);
    const calls = chatCalls(b.up);
    expect(calls).to.have.length(before + 1);
    return calls.at(-1)!.body.messages.at(-1).content;
  }
  /** Sends a group message and checks nothing comes of it: no reply, no upstream call. */
  async function ignored(o: Partial<Sent> & { text?: string }, send: (o: Sent) => Promise<unknown> = (x) => sim.groupMessage(x)) {
    const before = chatCalls(b.up).length;
    await send({ groupId: GROUP, userId: ALICE, ...o });
    await sim.expectNoAction((r) => r.action?.startsWith('send_') ?? false, 250);
    expect(chatCalls(b.up)).to.have.length(before);
  }

  it('answers an at of the bot, without the mention in the text; nothing else triggers by default', async () => {
    expect(await asked({ segments: [seg.at(BOT), seg.text(' what time is it?')] })).to.equal('what time is it?');
    await ignored({ text: 'just chatting' });
    await ignored({ segments: [seg.at(BOB), seg.text(' hi Bob')] });
    await ignored({ segments: [seg.at(BOT)] }); // nothing to answer
  });

  it('reads the CQ-string format as the array one', async () => {
    // Sent as `[CQ:at,qq=10001] &#91;a&#93; &amp; b, c`.
    expect(await asked({ segments: [seg.at(BOT), seg.text(' [a] & b, c')], format: 'string' })).to.equal('[a] & b, c');
  });

  it('answers a reply to one of its messages, not a reply to someone else', async () => {
    await sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(BOT), seg.text(' hi')] });
    const first = await sim.nextAction('send_group_msg');
    const botMessage = first.answer!.data as { message_id: number };
    expect(await asked({ segments: [seg.reply(botMessage.message_id), seg.text('and then?')] })).to.equal('and then?');
    const other = await sim.groupMessage({ groupId: GROUP, userId: BOB, text: 'mine' });
    await ignored({ segments: [seg.reply(other.message_id as number), seg.text('and then?')] });
  });

  it("does not answer an at when the group's triggers.at is off", async () => {
    await b.groupSettings(GROUP, { triggers: { at: false } });
    await ignored({ segments: [seg.at(BOT), seg.text(' hi')] });
    expect(await asked({ text: '#chat hi' })).to.equal('hi');
  });

  it('answers a prefix, removed before the model sees the text, while trigger.group.prefix is on', async () => {
    expect(await asked({ text: '#chat  tell me a joke' })).to.equal('tell me a joke');
    await b.groupSettings(GROUP, { triggers: { prefix: ['!ai'] }, customPrefix: '小助手' });
    expect(await asked({ text: '!ai hello' })).to.equal('hello');
    expect(await asked({ text: '小助手 你好' })).to.equal('你好');
    await ignored({ text: '#chat hello' });
    await b.configure({ trigger: { group: { prefix: false } } });
    await ignored({ text: '!ai hello' });
  });

  it('answers a keyword while trigger.group.keyword is on, with the whole text', async () => {
    await b.groupSettings(GROUP, { triggers: { keywords: ['天气'] } });
    await ignored({ text: '今天天气怎么样' });
    await b.configure({ trigger: { group: { keyword: true } } });
    expect(await asked({ text: '今天天气怎么样' })).to.equal('今天天气怎么样');
    await ignored({ text: '今天吃什么' });
  });

  it('answers by chance at trigger.group.randomRate when the group has random on', async () => {
    await b.configure({ trigger: { group: { randomRate: 1 } } });
    await ignored({ text: 'anyone?' });
    await b.groupSettings(GROUP, { triggers: { random: true } });
    expect(await asked({ text: 'anyone?' })).to.equal('anyone?');
    await b.configure({ trigger: { group: { randomRate: 0 } } });
    await ignored({ text: 'anyone?' });
  });

  it('answers nothing in a group that is off, or with chat off, or while group triggers are off', async () => {
    const at = { segments: [seg.at(BOT), seg.text(' hi')] };
    await b.groupSettings(GROUP, { enabled: false });
    await ignored(at);
    await b.groupSettings(GROUP, { enabled: true, chat: { enabled: false } });
    await ignored(at);
    await b.groupSettings(GROUP, { chat: { enabled: true } });
    await b.configure({ trigger: { group: { enabled: false } } });
    await ignored(at);
    await b.configure({ trigger: { group: { enabled: true } } });
    expect(await asked(at)).to.equal('hi');
  });

  it('follows trigger.private.mode in private chats', async () => {
    const privately = (x: Sent) => sim.privateMessage({ userId: x.userId, text: x.text });
    await ignored({ text: 'hello' }, privately);
    await sim.privateMessage({ userId: ALICE, text: '#chat hello' });
    expect(textOf((await sim.nextAction('send_private_msg')).params!.message)).to.equal('Hello!');
    expect(chatCalls(b.up).at(-1)!.body.messages.at(-1).content).to.equal('hello');
    await b.configure({ trigger: { private: { mode: 'always' } } });
    await sim.privateMessage({ userId: ALICE, text: 'hello' });
    await sim.nextAction('send_private_msg');
    await b.configure({ trigger: { private: { mode: 'off' } } });
    await ignored({ text: '#chat hello' }, privately);
    await b.configure({ trigger: { private: { mode: 'always', enabled: false } } });
    await ignored({ text: 'hello' }, privately);
  });

  it('ignores its own messages and message_sent events', async () => {
    await ignored({ userId: BOT, segments: [seg.at(BOT), seg.text(' talking to myself')] });
    await sim.event({ post_type: 'message_sent', message_type: 'group', group_id: GROUP, user_id: BOT, message_id: 1, message: [seg.at(BOT), seg.text(' hi')] });
    await sim.expectNoAction('send_group_msg', 250);
  });

  describe('lists', () => {
    const at = { segments: [seg.at(BOT), seg.text(' hi')] };

    it('answers nobody on trigger.blacklistUsers or in trigger.blacklistGroups, not even a command', async () => {
      await b.configure({ trigger: { blacklistUsers: [ALICE], blacklistGroups: [String(OTHER_GROUP)] } });
      await ignored(at);
      await ignored({ text: '#ai帮助' });
      await ignored({ ...at, userId: BOB, groupId: OTHER_GROUP });
      expect(await asked({ ...at, userId: BOB })).to.equal('hi');
    });

    it('answers only the users and groups on non-empty whitelists', async () => {
      await b.configure({ trigger: { whitelistUsers: [String(BOB)] } });
      await ignored(at);
      expect(await asked({ ...at, userId: BOB })).to.equal('hi');
      await b.configure({ trigger: { whitelistUsers: [], whitelistGroups: [OTHER_GROUP] } });
      await ignored(at);
      expect(await asked({ ...at, groupId: OTHER_GROUP })).to.equal('hi');
    });

    it("follows the group's own listMode", async () => {
      await b.groupSettings(GROUP, { listMode: 'blacklist', blacklist: [String(ALICE)] });
      await ignored(at);
      expect(await asked({ ...at, userId: BOB })).to.equal('hi');
      await b.groupSettings(GROUP, { listMode: 'whitelist', whitelist: [String(ALICE)] });
      await ignored({ ...at, userId: BOB });
      expect(await asked(at)).to.equal('hi');
    });
  });
});
