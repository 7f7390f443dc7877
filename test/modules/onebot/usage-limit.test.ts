/**
 * The group's daily quotas in bot turns (docs/api.md#group-admin: usage-limit, usage-stats): past a
 * quota a triggered message makes no upstream call and its sender hears the group's limit message,
 * once a day; other users keep their answers while only their neighbour's quota is used up; a reset
 * or a new day lets the group talk again; a turn with tool calls is one use; 0 is unlimited.
 */
import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { seg, textOf, type OneBotSim } from '../../support/onebot.ts';
import { ALICE, BOB, BOT, GROUP, bridgeSuite, chatCalls, type Bridge } from './bridge.ts';

const CAROL = 30004;
/** A group no other test touches, so that its usage is first read from the file this test writes. */
const FRESH_GROUP = 20009;
const LIMITED = 'Quota used up for today, see you tomorrow.';

describe('onebot: the group usage limits', function () {
  this.timeout(60_000);
  let b: Bridge;
  let sim: OneBotSim;
  bridgeSuite({ resetGroups: [GROUP, FRESH_GROUP] }, (x) => (b = x), (x) => (sim = x));
  afterEach(async () => {
    expect((await b.s.request('POST', `/api/group-admin/${GROUP}/usage-stats/reset`)).status).to.equal(200);
  });

  async function limit(body: Record<string, unknown>, groupId = GROUP) {
    const res = await b.s.request('PUT', `/api/group-admin/${groupId}/usage-limit`, { body: { limitMessage: LIMITED, ...body } });
    expect(res.status, res.text).to.equal(200);
  }
  /** What the bot sends to the group for one message of `userId`, mentioning the bot. */
  async function ask(userId: number, groupId = GROUP): Promise<string> {
    await sim.groupMessage({ groupId, userId, segments: [seg.at(BOT), seg.text(` question from ${userId}`)] });
    return textOf((await sim.nextAction('send_group_msg', 10_000)).params!.message);
  }
  const stats = async (groupId = GROUP) => (await b.s.request('GET', `/api/group-admin/${groupId}/usage-stats`)).body.data;

  it("answers a user's third trigger with the limit message, without an upstream call, at dailyUserLimit 2", async () => {
    await limit({ dailyGroupLimit: 0, dailyUserLimit: 2 });
    b.up.setDefault({ text: 'an answer' });
    expect(await ask(ALICE)).to.equal('an answer');
    expect(await ask(ALICE)).to.equal('an answer');
    expect(await ask(ALICE)).to.equal(LIMITED);
    expect(chatCalls(b.up)).to.have.length(2);
    // Another user of the group is still answered.
    expect(await ask(BOB)).to.equal('an answer');
    expect(chatCalls(b.up)).to.have.length(3);
    expect(await stats()).to.deep.include({ groupCount: 3, topUsers: [{ userId: String(ALICE), count: 2 }, { userId: String(BOB), count: 1 }] });
  });

  it('tells a limited user once a day: their next triggers get nothing, and cost nothing', async () => {
    await limit({ dailyGroupLimit: 0, dailyUserLimit: 1 });
    b.up.setDefault({ text: 'an answer' });
    expect(await ask(ALICE)).to.equal('an answer');
    expect(await ask(ALICE)).to.equal(LIMITED);
    await sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(BOT), seg.text(' again')] });
    await sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(BOT), seg.text(' and again')] });
    // One chat answers in order: Bob's answer being the next message means Alice's two got none.
    expect(await ask(BOB)).to.equal('an answer');
    expect(chatCalls(b.up)).to.have.length(2);
  });

  it('stops every user at dailyGroupLimit, and a reset lets the group talk again at once', async () => {
    await limit({ dailyGroupLimit: 2, dailyUserLimit: 0 });
    b.up.setDefault({ text: 'an answer' });
    expect(await ask(ALICE)).to.equal('an answer');
    expect(await ask(BOB)).to.equal('an answer');
    expect(await ask(CAROL)).to.equal(LIMITED);
    expect(await ask(ALICE)).to.equal(LIMITED);
    expect(chatCalls(b.up)).to.have.length(2);
    expect(await stats()).to.include({ groupCount: 2, groupRemaining: 0 });

    expect((await b.s.request('POST', `/api/group-admin/${GROUP}/usage-stats/reset`)).status).to.equal(200);
    expect(await ask(CAROL)).to.equal('an answer');
    expect(await ask(ALICE)).to.equal('an answer');
    expect(chatCalls(b.up)).to.have.length(4);
    // Limited again: told again, since the reset also forgot who was told.
    expect(await ask(ALICE)).to.equal(LIMITED);
  });

  it('counts a turn with a tool call once, though it took two model calls', async () => {
    await limit({ dailyGroupLimit: 0, dailyUserLimit: 2 });
    b.up.enqueue({ toolCalls: [{ id: 'call_1', name: 'get_current_time', args: { timezone: 'UTC' } }] }, { text: 'It is noon.' });
    b.up.setDefault({ text: 'an answer' });
    expect(await ask(ALICE)).to.equal('It is noon.');
    expect(chatCalls(b.up)).to.have.length(2);
    expect(chatCalls(b.up)[1].body.messages.at(-1)).to.include({ role: 'tool', tool_call_id: 'call_1' });
    expect(await stats()).to.include({ groupCount: 1 });
    expect(await ask(ALICE)).to.equal('an answer');
    expect(await ask(ALICE)).to.equal(LIMITED);
    expect(chatCalls(b.up)).to.have.length(3);
  });

  it('answers without end when both limits are 0 (unlimited)', async () => {
    await limit({ dailyGroupLimit: 1, dailyUserLimit: 1 });
    b.up.setDefault({ text: 'an answer' });
    expect(await ask(ALICE)).to.equal('an answer');
    expect(await ask(ALICE)).to.equal(LIMITED);
    await limit({ dailyGroupLimit: 0, dailyUserLimit: 0 });
    for (let i = 0; i < 4; i++) expect(await ask(ALICE)).to.equal('an answer');
    expect(chatCalls(b.up)).to.have.length(5);
    expect(await stats()).to.include({ groupCount: 5, groupRemaining: -1 });
  });

  it("starts a new day at zero: yesterday's counts on disk do not limit today", async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString('sv-SE');
    await mkdir(path.join(b.s.dataDir, 'group-usage'), { recursive: true });
    const file = path.join(b.s.dataDir, 'group-usage', `${FRESH_GROUP}.json`);
    await writeFile(file, JSON.stringify({ date: yesterday, groupCount: 50, users: { [ALICE]: 50 }, notified: [String(ALICE)] }));
    await limit({ dailyGroupLimit: 2, dailyUserLimit: 1 }, FRESH_GROUP);
    b.up.setDefault({ text: 'an answer' });
    expect(await ask(ALICE, FRESH_GROUP)).to.equal('an answer');
    expect(await ask(ALICE, FRESH_GROUP)).to.equal(LIMITED);
    expect(await stats(FRESH_GROUP)).to.include({ groupCount: 1 });
  });
});
