/**
 * `chatai_bot_messages_total` in `GET /api/metrics` (docs/statistics.md#metrics): the bot messages
 * the OneBot bridge receives and sends, counted from its events by bot, direction, chat type and
 * outcome; exact amounts after messages from a simulator and a reply through the local upstream,
 * and neither reset nor doubled by a reload of either module.
 */
import { expect } from 'chai';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { OneBotSim, seg, textOf } from '../../support/onebot.ts';
import { eventually } from '../../support/modules.ts';
import { ALICE, BOB, BOT, GROUP, OTHER_GROUP, reverseUrl, startBridge, type Bridge } from '../onebot/bridge.ts';

const FAMILY = 'chatai_bot_messages_total';
const OTHER_BOT = 10009;

type Labels = Record<string, string>;

/** The series of the family in a scrape, read by a real parser of the text format. */
function series(text: string): Array<{ labels: Labels; value: number }> {
  const family = parsePrometheusTextFormat(text).find((f: ParsedFamily) => f.name === FAMILY);
  if (family) expect(family.type).to.equal('COUNTER');
  return (family?.metrics ?? []).map((m) => ({ labels: (m.labels ?? {}) as Labels, value: Number(m.value) }));
}

describe('GET /api/metrics: bot messages (chatai_bot_messages_total)', function () {
  this.timeout(60_000);
  let b: Bridge;
  let sim: OneBotSim;
  const counted = { received: 0, sent: 0 };

  const scrape = async () => {
    const res = await b.s.request('GET', '/api/metrics');
    expect(res.status, res.text).to.equal(200);
    return series(res.text);
  };
  /** The series as `bot direction type outcome` → value, zeros left out. */
  const table = async () => Object.fromEntries((await scrape()).filter((s) => s.value).map((s) => [`${s.labels.bot} ${s.labels.direction} ${s.labels.type} ${s.labels.outcome}`, s.value]));
  /** What moved since `before`, by series. */
  const moved = async (before: Record<string, number>) => {
    const now = await table();
    return Object.fromEntries(Object.entries(now).filter(([k, v]) => v !== (before[k] ?? 0)).map(([k, v]) => [k, v - (before[k] ?? 0)]));
  };
  /**
   * Waits until the bridge's own counters (`GET /api/bots`) show `received` more message events and
   * `sent` more messages sent or failed: each is counted in the same step as its event is published,
   * so a scrape after this follows them all.
   */
  const settle = async (received: number, sent: number) => {
    counted.received += received;
    counted.sent += sent;
    await eventually(async () => {
      const bots = (await b.s.request('GET', '/api/bots')).body.data as Array<{ counters: Record<string, number> }>;
      const sum = (f: (c: Record<string, number>) => number) => bots.reduce((n, e) => n + f(e.counters), 0);
      return sum((c) => c.messagesIn) === counted.received && sum((c) => c.repliesOut + c.errors) === counted.sent;
    }, 5000, `${counted.received} messages received and ${counted.sent} sent`);
  };
  const reload = async (name: string) => {
    const res = await b.s.request('POST', `/api/system/modules/${name}/reload`);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.status).to.equal('loaded');
  };
  /** Three chatter messages in the group, two private ones, and one that asks the bot (answered through the upstream). */
  const traffic = async () => {
    for (let i = 0; i < 3; i++) await sim.groupMessage({ groupId: GROUP, userId: ALICE, text: `chatter ${i}` });
    await sim.privateMessage({ userId: BOB, text: 'not a prefix' });
    await sim.privateMessage({ userId: ALICE, text: 'nor this' });
    await sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(BOT), seg.text(' hi')] });
    expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.equal('Hello!');
    await settle(6, 1);
  };
  const TRAFFIC = { [`${BOT} in group ok`]: 4, [`${BOT} in private ok`]: 2, [`${BOT} out group ok`]: 1 };

  before(async () => {
    b = await startBridge();
    await b.configure({ trigger: { private: { enabled: true, mode: 'prefix' }, prefixes: ['#chat'] } });
    sim = await b.sim();
  });
  after(() => b?.stop());

  it('counts messages received by chat type and replies sent, by exactly what was sent', async () => {
    const before = await table();
    await traffic();
    expect(await moved(before)).to.deep.equal(TRAFFIC);
  });

  it('counts a triggered private reply, sends through the API, and a send the implementation refuses as failed', async () => {
    const before = await table();
    await sim.privateMessage({ userId: ALICE, text: '#chat hello' });
    await sim.nextAction('send_private_msg');
    await settle(1, 1);
    const sent = await b.s.request('POST', `/api/bots/${BOT}/send`, { body: { groupId: OTHER_GROUP, message: 'from the API' } });
    expect(sent.status, sent.text).to.equal(200);
    await sim.nextAction('send_group_msg');
    sim.answerNext('send_private_msg', { fail: 1400, message: 'not a friend' });
    const refused = await b.s.request('POST', `/api/bots/${BOT}/send`, { body: { userId: BOB, message: 'refused' } });
    expect(refused.status, refused.text).to.equal(502);
    await settle(0, 2);
    expect(await moved(before)).to.deep.equal({ [`${BOT} in private ok`]: 1, [`${BOT} out private ok`]: 1, [`${BOT} out group ok`]: 1, [`${BOT} out private failed`]: 1 });
  });

  it('labels each bot by its account, and never by a user or a group', async () => {
    const other = new OneBotSim({ selfId: OTHER_BOT, groups: [{ groupId: GROUP, name: 'Test group' }] });
    b.sims.push(other);
    await other.connectReverse(reverseUrl(b.s));
    await other.nextAction('get_login_info');
    const before = await table();
    await other.groupMessage({ groupId: GROUP, userId: BOB, text: 'to the other bot' });
    await settle(1, 0);
    expect(await moved(before)).to.deep.equal({ [`${OTHER_BOT} in group ok`]: 1 });
    for (const { labels } of await scrape()) {
      expect(Object.keys(labels).sort()).to.deep.equal(['bot', 'direction', 'outcome', 'type']);
      expect([String(BOT), String(OTHER_BOT)]).to.include(labels.bot);
    }
  });

  it('keeps its counts across a reload of onebot, and counts each later message once', async () => {
    const before = await table();
    expect(before[`${BOT} in group ok`]).to.equal(4);
    await reload('onebot');
    expect(await table()).to.deep.equal(before);
    await traffic();
    expect(await moved(before)).to.deep.equal(TRAFFIC);
    expect(sim.closes).to.deep.equal([]);
  });

  it('keeps its counts across a reload of metrics, and counts each later message once', async () => {
    const before = await table();
    await reload('metrics');
    expect(await table()).to.deep.equal(before);
    await traffic();
    expect(await moved(before)).to.deep.equal(TRAFFIC);
  });
});
