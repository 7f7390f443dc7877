/**
 * Reloads with open sockets (docs/bot.md#reload-and-faults): while the simulator sends a steady stream, a
 * file of the module is edited again and again; the connection stays open, every message is
 * counted and every triggered one is answered, in order. The module is served from a temporary
 * modules folder through a one-line entry that re-exports modules/onebot, so the test edits that
 * entry and never the project's files; the bundle is rebuilt from all the module's files each time.
 */
import { expect } from 'chai';
import path from 'node:path';
import { seg, textOf, type RecordedRequest } from '../../support/onebot.ts';
import { eventually } from '../../support/modules.ts';
import { ROOT } from '../../support/server.ts';
import { ALICE, BOT, GROUP, startBridge, type Bridge } from './bridge.ts';

const ENTRY = `export { default } from '${path.join(ROOT, 'modules/onebot/index.ts')}';\n`;
const REAL = ['auth', 'system', 'config', 'channels', 'conversations', 'presets', 'group-admin'];

describe('onebot: reload with open sockets', function () {
  this.timeout(90_000);
  let b: Bridge;
  before(async () => {
    b = await startBridge({ modules: { real: REAL } });
    await b.s.modules!.write('onebot/index.ts', ENTRY);
    await eventually(async () => (await b.s.request('GET', '/api/bots')).status === 200, 10_000, 'the onebot module to load');
  });
  after(() => b?.stop());

  const reloads = async () => {
    const modules = (await b.s.request('GET', '/api/system/modules')).body.data as Array<{ name: string; reloads: number; status: string }>;
    return modules.find((m) => m.name === 'onebot')!;
  };

  it('loses no event across reloads during a steady stream', async () => {
    const sim = await b.sim();
    const total = 600;
    const triggered: number[] = [];
    const sending = (async () => {
      for (let i = 0; i < total; i++) {
        const askBot = i % 10 === 0;
        if (askBot) triggered.push(i);
        await sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: askBot ? [seg.at(BOT), seg.text(` m${i}`)] : [seg.text(`chatter ${i}`)] });
        await new Promise((r) => setTimeout(r, 5)); // about 200 messages a second
      }
    })();
    const start = (await reloads()).reloads;
    for (let n = 1; n <= 4; n++) {
      await new Promise((r) => setTimeout(r, 500));
      await b.s.modules!.write('onebot/index.ts', `${ENTRY}// edit ${n}\n`);
      await eventually(async () => (await reloads()).reloads >= start + n, 5000, `reload ${n}`);
    }
    await sending;
    expect((await reloads()).status).to.equal('loaded');

    const replies: RecordedRequest[] = [];
    for (let i = 0; i < triggered.length; i++) replies.push(await sim.nextAction('send_group_msg', 10_000));
    expect(replies.map((r) => textOf(r.params!.message))).to.deep.equal(triggered.map(() => 'Hello!'));
    const asked = b.up.requests.filter((r) => r.protocol === 'openai').map((r) => r.body.messages.at(-1).content);
    expect(asked).to.deep.equal(triggered.map((i) => `m${i}`));
    await eventually(async () => (await b.s.request('GET', '/api/bots')).body.data[0]?.counters.messagesIn === total, 5000, 'every message to be counted');
    const [entry] = (await b.s.request('GET', '/api/bots')).body.data;
    expect(entry.counters).to.deep.equal({ messagesIn: total, triggered: triggered.length, repliesOut: triggered.length, errors: 0 });
    expect(sim.closes).to.deep.equal([]);
  });
});
