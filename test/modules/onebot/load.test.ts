/**
 * Order and load (docs/bot.md#order-and-load, docs/bot.md#reload-and-faults): one chat's replies in the order of its messages
 * while other chats go on; at most onebot.maxConcurrentTurns turns at once; a queue of at most
 * onebot.maxQueued whose oldest is dropped with a log line; a silent action that holds only its
 * own chat; faulty frames skipped with the connection kept; a flood of messages all counted.
 */
import { expect } from 'chai';
import { seg, textOf, type OneBotSim, type RecordedRequest } from '../../support/onebot.ts';
import { eventually } from '../../support/modules.ts';
import type { RecordedRequest as UpstreamRequest, ScriptedReply } from '../../support/upstream.ts';
import { ALICE, BOT, GROUP, OTHER_GROUP, chatCalls, bridgeSuite, type Bridge } from './bridge.ts';

const THIRD_GROUP = 20004;
const lastUserText = (r: UpstreamRequest): string => r.body.messages.at(-1).content;

describe('onebot: order and load', function () {
  this.timeout(60_000);
  let b: Bridge;
  let sim: OneBotSim;
  bridgeSuite({ env: { LOG_LEVEL: 'debug' }, restore: { onebot: { maxConcurrentTurns: 8, maxQueued: 100 } } }, (x) => (b = x), (x) => (sim = x));

  /** Queues `n` upstream answers that echo the message (`re: <text>`), each after `delayMs(text)`. */
  function echoes(n: number, delayMs: (text: string) => number = () => 0) {
    for (let i = 0; i < n; i++) b.up.enqueue((r): ScriptedReply => ({ text: `re: ${lastUserText(r)}`, delayMs: delayMs(lastUserText(r)) }));
  }
  const ask = (groupId: number, text: string) => sim.groupMessage({ groupId, userId: ALICE, segments: [seg.at(BOT), seg.text(` ${text}`)] });
  const toGroup = (groupId: number) => (r: RecordedRequest) => r.action === 'send_group_msg' && r.params?.group_id === groupId;
  const bot = async () => (await b.s.request('GET', '/api/bots')).body.data[0];

  it("keeps one chat's replies in the order of its messages while another chat goes ahead", async () => {
    echoes(3, (text) => (text === 'first' ? 600 : 0));
    await ask(GROUP, 'first');
    await ask(GROUP, 'second');
    await ask(OTHER_GROUP, 'elsewhere');
    const elsewhere = await sim.nextAction(toGroup(OTHER_GROUP));
    const first = await sim.nextAction(toGroup(GROUP));
    const second = await sim.nextAction(toGroup(GROUP));
    expect([first, second, elsewhere].map((r) => textOf(r.params!.message))).to.deep.equal(['re: first', 're: second', 're: elsewhere']);
    expect(elsewhere.at).to.be.lessThan(first.at);
    expect(second.at).to.be.at.least(first.at);
  });

  it('runs at most onebot.maxConcurrentTurns turns at once', async () => {
    await b.configure({ onebot: { maxConcurrentTurns: 2 } });
    let running = 0;
    let most = 0;
    for (let i = 0; i < 4; i++) {
      b.up.enqueue((r) => {
        running += 1;
        most = Math.max(most, running);
        setTimeout(() => (running -= 1), 300);
        return { text: `re: ${lastUserText(r)}`, delayMs: 300 };
      });
    }
    const started = Date.now();
    for (const [i, groupId] of [GROUP, OTHER_GROUP, THIRD_GROUP, 20005].entries()) await ask(groupId, `q${i}`);
    for (let i = 0; i < 4; i++) await sim.nextAction('send_group_msg', 5000);
    expect(most).to.equal(2);
    expect(Date.now() - started).to.be.at.least(600);
  });

  it('drops the oldest waiting message with a log line when onebot.maxQueued are waiting', async () => {
    await b.configure({ onebot: { maxConcurrentTurns: 1, maxQueued: 3 } });
    echoes(7, (text) => (text === 'm1' ? 500 : 0));
    for (let i = 1; i <= 7; i++) await ask(GROUP + i, `m${i}`);
    const answered: string[] = [];
    for (let i = 0; i < 4; i++) answered.push(textOf((await sim.nextAction('send_group_msg', 5000)).params!.message));
    await sim.expectNoAction('send_group_msg', 300);
    expect(answered).to.deep.equal(['re: m1', 're: m5', 're: m6', 're: m7']);
    expect(b.s.output().match(/queue full \(onebot\.maxQueued\): dropped the oldest/g)).to.have.length(3);
    expect((await bot()).counters).to.deep.equal({ messagesIn: 7, triggered: 7, repliesOut: 4, errors: 3 });
  });

  it('hands what waits to a newer connection that replaces the one it came on', async () => {
    await b.configure({ onebot: { maxConcurrentTurns: 1 } });
    echoes(2, (text) => (text === 'slow' ? 500 : 0));
    await ask(GROUP, 'slow');
    await ask(OTHER_GROUP, 'waiting');
    const newer = await b.sim();
    const replies = [await newer.nextAction('send_group_msg', 3000), await newer.nextAction('send_group_msg', 3000)];
    expect(replies.map((r) => textOf(r.params!.message)).sort()).to.deep.equal(['re: slow', 're: waiting']);
    expect(sim.connections).to.deep.equal([]);
  });

  it('lets other chats go on while an action gets no answer; after 10 s the turn ends with a log line', async function () {
    this.timeout(30_000);
    sim.answerNext(toGroup(GROUP), 'silent');
    await ask(GROUP, 'unheard');
    await sim.nextAction(toGroup(GROUP));
    await ask(GROUP, 'queued behind it');
    await ask(OTHER_GROUP, 'meanwhile');
    const meanwhile = await sim.nextAction(toGroup(OTHER_GROUP), 1000);
    expect(textOf(meanwhile.params!.message)).to.equal('Hello!');
    await sim.expectNoAction(toGroup(GROUP), 500);
    const next = await sim.nextAction(toGroup(GROUP), 12_000);
    expect(next.at - meanwhile.at).to.be.greaterThan(8000);
    expect(b.s.output()).to.match(/ended: send_group_msg: no answer within 10 s/);
    expect((await bot()).counters.errors).to.equal(1);
  });

  it('skips malformed frames, unknown events, unknown segments and stray answers, and keeps the connection', async () => {
    await sim.sendRaw('{ not json');
    await sim.sendRaw('[1, 2, 3]');
    await sim.event({ post_type: 'mystery', detail: 1 });
    await sim.event({ post_type: 'message', message_type: 'channel', user_id: ALICE, message: 'hi' });
    await sim.sendRaw(JSON.stringify({ status: 'ok', retcode: 0, data: null, echo: 'nobody-asked' }));
    await sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: [{ type: 'mystery', data: { x: '1' } }, seg.at(BOT), seg.text(' still here?')] });
    const reply = await sim.nextAction('send_group_msg');
    expect(reply.error).to.equal(undefined);
    expect(chatCalls(b.up).at(-1)!.body.messages.at(-1).content).to.equal('still here?');
    expect(sim.closes).to.deep.equal([]);
    const out = b.s.output();
    for (const line of ['a frame that is not JSON skipped', 'a frame that is not an object skipped', 'an event of unknown type "mystery" skipped', 'an answer with unknown echo "nobody-asked" skipped', 'segments of unknown types skipped: mystery']) {
      expect(out).to.match(new RegExp(`debug .*${line.replace(/[()]/g, '\\$&')}`));
    }
  });

  it('counts every message of a flood that triggers nothing, with no upstream call', async () => {
    const calls = chatCalls(b.up).length;
    const sends = [];
    for (let i = 0; i < 2000; i++) sends.push(sim.groupMessage({ groupId: GROUP, userId: ALICE, text: `chatter ${i}` }));
    await Promise.all(sends);
    await eventually(async () => (await bot()).counters.messagesIn === 2000, 10_000, 'every message to be counted');
    expect(chatCalls(b.up)).to.have.length(calls);
    expect((await bot()).counters.triggered).to.equal(0);
  });
});
