/**
 * Replies and turns (docs/bot.md#the-turn, docs/bot.md#replies): the quote, long text as a forward message or in
 * parts, auto-recall, one short message for a failure (never a key, a URL or a stack) or for no
 * channel, and the conversation with its QQ source in /api/conversations.
 */
import { expect } from 'chai';
import { forwardTexts, seg, textOf, type OneBotSim } from '../../support/onebot.ts';
import { eventually } from '../../support/modules.ts';
import { ALICE, BOT, GROUP, UPSTREAM_KEY, bridgeSuite, type Bridge } from './bridge.ts';

const LONG = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} of the answer.`).join(' ');

describe('onebot: replies', function () {
  this.timeout(60_000);
  let b: Bridge;
  let sim: OneBotSim;
  const restore = { output: { longText: { enabled: true, threshold: 500, mode: 'forward' } }, basic: { autoRecall: { enabled: false, delay: 60 } } };
  bridgeSuite({ restore, resetGroups: [GROUP] }, (x) => (b = x), (x) => (sim = x));

  const atBot = (text: string) => ({ groupId: GROUP, userId: ALICE, segments: [seg.at(BOT), seg.text(` ${text}`)] });

  it('quotes the triggering message when chat.quoteReply is on (the default), and not when a group turns it off', async () => {
    const event = await sim.groupMessage(atBot('hi'));
    const quoted = (await sim.nextAction('send_group_msg')).params!.message as Array<{ type: string; data: Record<string, string> }>;
    expect(quoted[0]).to.deep.equal({ type: 'reply', data: { id: String(event.message_id) } });
    await b.groupSettings(GROUP, { chat: { quoteReply: false } });
    await sim.groupMessage(atBot('hi again'));
    const plain = (await sim.nextAction('send_group_msg')).params!.message as Array<{ type: string }>;
    expect(plain.map((s) => s.type)).to.deep.equal(['text']);
  });

  it('sends a reply longer than the threshold as one forward message of parts no longer than it', async () => {
    await b.configure({ output: { longText: { threshold: 100 } } });
    b.up.enqueue({ text: LONG });
    await sim.groupMessage(atBot('tell me everything'));
    const forward = await sim.nextAction('send_group_forward_msg');
    expect(forward.error).to.equal(undefined);
    const parts = forwardTexts(forward.params!.messages);
    expect(parts.length).to.be.greaterThan(1);
    for (const part of parts) expect(part.length).to.be.at.most(100);
    expect(parts.join(' ')).to.equal(LONG);
    expect((forward.params!.messages as Array<{ data: { user_id: string; nickname: string } }>)[0].data).to.include({ user_id: String(BOT), nickname: 'SimBot' });
    await sim.expectNoAction('send_group_msg', 100);
  });

  it('sends it in parts, in order, when the mode is not forward or long text handling is off', async () => {
    await b.configure({ output: { longText: { threshold: 100, mode: 'split' } } });
    b.up.enqueue({ text: LONG });
    const event = await sim.groupMessage(atBot('tell me everything'));
    const parts = [];
    for (let i = 0; i < 5; i++) parts.push(await sim.nextAction('send_group_msg'));
    await sim.expectNoAction('send_group_msg', 150);
    expect(parts.map((p) => textOf(p.params!.message)).join(' ')).to.equal(LONG);
    for (const p of parts) expect(textOf(p.params!.message).length).to.be.at.most(100);
    expect((parts[0].params!.message as Array<{ type: string; data: { id?: string } }>)[0]).to.deep.include({ type: 'reply', data: { id: String(event.message_id) } });
    expect((parts[1].params!.message as Array<{ type: string }>)[0].type).to.equal('text');

    await b.configure({ output: { longText: { enabled: false, mode: 'forward' } } });
    b.up.enqueue({ text: LONG });
    await sim.groupMessage(atBot('again'));
    await sim.nextAction('send_group_msg');
    await sim.nextAction('send_group_msg');
    await sim.expectNoAction('send_group_forward_msg', 150);
  });

  it('recalls the reply after chat.autoRecall.delay seconds when auto-recall is on', async () => {
    await b.groupSettings(GROUP, { chat: { autoRecall: { enabled: true, delay: 1 } } });
    await sim.groupMessage(atBot('say something'));
    const reply = await sim.nextAction('send_group_msg');
    const id = (reply.answer!.data as { message_id: number }).message_id;
    const recall = await sim.nextAction('delete_msg', 3000);
    expect(recall.params).to.deep.equal({ message_id: id });
    expect(recall.error).to.equal(undefined);
    expect(recall.at - reply.answeredAt!).to.be.within(900, 1800);
    // Private chats take the global setting.
    await b.configure({ basic: { autoRecall: { enabled: true, delay: 0 } }, trigger: { private: { mode: 'always' } } });
    await sim.privateMessage({ userId: ALICE, text: 'hello' });
    const privately = await sim.nextAction('send_private_msg');
    expect((await sim.nextAction('delete_msg', 2000)).params).to.deep.equal({ message_id: (privately.answer!.data as { message_id: number }).message_id });
    await b.configure({ trigger: { private: { mode: 'prefix' } } });
  });

  it('tells the chat in one short message when the upstream fails, with no key, URL or stack', async () => {
    b.up.enqueue({ error: { status: 500, message: `internal failure at ${b.up.baseUrl('openai')} with key ${UPSTREAM_KEY}` } });
    await sim.groupMessage(atBot('hi'));
    const said = textOf((await sim.nextAction('send_group_msg')).params!.message);
    expect(said).to.include('HTTP 500');
    expect(said).not.to.match(/https?:|sk-|SECRET|\bat \w+ \(|Error:/);
    await sim.expectNoAction('send_group_msg', 200);
    const entry = (await b.s.request('GET', '/api/bots')).body.data[0];
    expect(entry.counters).to.deep.include({ triggered: 1, repliesOut: 1, errors: 1 });
  });

  it('says so when no channel is configured', async () => {
    const channel = (await b.s.request('GET', '/api/channels/main')).body.data;
    expect((await b.s.request('DELETE', '/api/channels/main')).status).to.equal(200);
    try {
      await sim.groupMessage(atBot('hi'));
      expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.include('没有可用的 AI 渠道');
    } finally {
      const res = await b.s.request('POST', '/api/channels', { body: { ...channel, apiKey: UPSTREAM_KEY } });
      expect(res.status, res.text).to.equal(201);
    }
  });

  it('keeps the conversation with its QQ source, listed in /api/conversations', async () => {
    await sim.groupMessage(atBot('remember me'));
    await sim.nextAction('send_group_msg');
    // The reply leaves before the exchange is stored.
    const line = await eventually(async () => {
      const list = (await b.s.request('GET', `/api/conversations?groupId=${GROUP}`)).body.data;
      return list.conversations.find((c: { id: string }) => c.id === `group:${GROUP}`);
    }, 2000, 'the conversation to be stored');
    expect(line.source).to.deep.equal({ platform: 'qq', selfId: String(BOT), groupId: String(GROUP), userId: String(ALICE) });
    expect(line.lastMessage).to.equal('Hello!');
  });
});
