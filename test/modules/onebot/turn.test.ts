/**
 * The turn (docs/bot.md#the-turn): the engine of POST /api/chat with the same group settings, each
 * upstream call accounted as the bot's, the sender's memories in the system prompt, and a chat's next turn seeing the previous exchange (the
 * reply leaves before the exchange is stored, but the chat's next message waits for it).
 */
import { expect } from 'chai';
import { seg, textOf, type OneBotSim } from '../../support/onebot.ts';
import { ALICE, BOB, BOT, GROUP, bridgeSuite, chatCalls, type Bridge } from './bridge.ts';

const REAL = ['auth', 'system', 'config', 'channels', 'chat', 'conversations', 'presets', 'group-admin', 'memory', 'onebot'];

describe('onebot: the turn', function () {
  this.timeout(60_000);
  let b: Bridge;
  let sim: OneBotSim;
  bridgeSuite({ modules: { real: REAL, fixtures: ['upstream-calls'] }, resetGroups: [GROUP], restore: { memory: { enabled: false } } }, (x) => (b = x), (x) => (sim = x));

  const ask = (text: string) => sim.groupMessage({ groupId: GROUP, userId: ALICE, segments: [seg.at(BOT), seg.text(` ${text}`)] });

  it('asks the upstream as POST /api/chat does for the same group settings', async () => {
    await b.groupSettings(GROUP, { systemPrompt: 'You are the test group bot.', chat: { temperature: 0.3 } });
    const api = await b.s.request('POST', '/api/chat', { body: { message: 'same question', userId: String(ALICE), groupId: String(GROUP) } });
    expect(api.status, api.text).to.equal(200);
    await ask('same question');
    await sim.nextAction('send_group_msg');
    const [fromApi, fromBot] = chatCalls(b.up).slice(-2).map((r) => r.body);
    expect(fromBot.model).to.equal(fromApi.model);
    expect(fromBot.temperature).to.equal(0.3);
    expect(fromBot.messages[0]).to.deep.equal(fromApi.messages[0]);
    expect(fromBot.messages[0].content).to.include('You are the test group bot.');
  });

  it('accounts its upstream calls as the bot’s, with the group and the user', async () => {
    await ask('count me');
    await sim.nextAction('send_group_msg');
    const heard = (await b.s.request('GET', '/api/upstream-calls')).body.data as Array<Record<string, unknown>>;
    expect(heard.at(-1)).to.deep.include({ kind: 'chat', source: 'bot', groupId: String(GROUP), userId: String(ALICE), success: true });
  });

  it("tells the model the sender's memories while memory.enabled is on: no other group's, no one else's", async () => {
    const remember = async (userId: number, content: string, groupId: string | null = null) => {
      const res = await b.s.request('POST', `/api/memories/user/${userId}`, { body: { content, category: 'preferences', groupId } });
      expect(res.status, res.text).to.equal(201);
    };
    await remember(ALICE, 'likes green tea');
    await remember(ALICE, 'plays go in this group', String(GROUP));
    await remember(ALICE, 'talks about chess elsewhere', '99999');
    await remember(BOB, 'likes coffee');
    await ask('what do I like?');
    await sim.nextAction('send_group_msg');
    expect(chatCalls(b.up).at(-1)!.body.messages[0].content).not.to.include('green tea');
    await b.configure({ memory: { enabled: true } });
    await ask('what do I like?');
    await sim.nextAction('send_group_msg');
    const system = chatCalls(b.up).at(-1)!.body.messages[0].content as string;
    expect(system).to.include('- [Preferences] likes green tea');
    expect(system).to.include('- [Preferences] plays go in this group');
    expect(system).not.to.include('chess');
    expect(system).not.to.include('coffee');
  });

  it("gives a chat's next turn the previous exchange, however fast the messages come", async () => {
    b.up.enqueue({ text: 'first answer', delayMs: 200 }, { text: 'second answer' });
    await ask('first');
    await ask('second');
    expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.equal('first answer');
    expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.equal('second answer');
    const second = chatCalls(b.up).at(-1)!.body.messages.slice(-3);
    expect(second).to.deep.equal([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'second' },
    ]);
  });
});
