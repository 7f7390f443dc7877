/**
 * Notices (docs/bot.md#notices): a poke at the bot, a member joining and leaving, answered when
 * the feature is on and the group's event settings let it: the configured text, or a short
 * model-written one through the shared turn.
 */
import { expect } from 'chai';
import { textOf, type OneBotSim } from '../../support/onebot.ts';
import { ALICE, BOB, BOT, GROUP, chatCalls, bridgeSuite, type Bridge } from './bridge.ts';

const FEATURES_OFF = { poke: { enabled: false }, welcome: { enabled: false }, goodbye: { enabled: false } };
const FEATURES_ON = { poke: { enabled: true }, welcome: { enabled: true }, goodbye: { enabled: true } };

describe('onebot: notices', function () {
  this.timeout(60_000);
  let b: Bridge;
  let sim: OneBotSim;
  bridgeSuite({ restore: { features: FEATURES_OFF }, resetGroups: [GROUP] }, (x) => (b = x), (x) => (sim = x));

  const nothing = () => sim.expectNoAction((r) => r.action?.startsWith('send_') ?? false, 250);

  it('answers nothing while the features are off', async () => {
    await sim.poke({ userId: ALICE, groupId: GROUP });
    await sim.groupIncrease({ groupId: GROUP, userId: BOB });
    await sim.groupDecrease({ groupId: GROUP, userId: BOB });
    await nothing();
  });

  it('answers a poke at the bot, in a group and privately, and not a poke at someone else', async () => {
    await b.configure({ features: FEATURES_ON });
    await sim.poke({ userId: ALICE, groupId: GROUP });
    expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.equal('别戳啦～');
    await sim.poke({ userId: ALICE });
    const privately = await sim.nextAction('send_private_msg');
    expect(privately.params!.user_id).to.equal(ALICE);
    await sim.poke({ userId: ALICE, targetId: BOB, groupId: GROUP });
    await sim.poke({ userId: BOT, groupId: GROUP }); // the bot poking itself
    await nothing();
    expect(chatCalls(b.up)).to.deep.equal([]);
  });

  it("welcomes a new member with a mention and the group's text, and says goodbye, but not when the bot itself is kicked", async () => {
    await b.configure({ features: FEATURES_ON });
    await b.groupSettings(GROUP, { events: { welcome: { message: '欢迎来到测试群！' } } });
    await sim.groupIncrease({ groupId: GROUP, userId: BOB });
    const welcome = (await sim.nextAction('send_group_msg')).params!.message as Array<{ type: string; data: Record<string, string> }>;
    expect(welcome[0]).to.deep.equal({ type: 'at', data: { qq: String(BOB) } });
    expect(textOf(welcome).trim()).to.equal('欢迎来到测试群！');
    await sim.groupDecrease({ groupId: GROUP, userId: BOB });
    expect(textOf((await sim.nextAction('send_group_msg')).params!.message)).to.include(String(BOB));
    await sim.groupDecrease({ groupId: GROUP, userId: BOT, operatorId: ALICE, subType: 'kick_me' });
    await nothing();
  });

  it("follows the group's event settings: one event off, or all events off", async () => {
    await b.configure({ features: FEATURES_ON });
    await b.groupSettings(GROUP, { events: { poke: { enabled: false } } });
    await sim.poke({ userId: ALICE, groupId: GROUP });
    await nothing();
    await sim.groupIncrease({ groupId: GROUP, userId: BOB });
    await sim.nextAction('send_group_msg');
    await b.groupSettings(GROUP, { events: { enabled: false } });
    await sim.groupIncrease({ groupId: GROUP, userId: ALICE });
    await nothing();
  });

  it('asks the model for the message when the group sets useAI, with its prompt', async () => {
    await b.configure({ features: FEATURES_ON });
    await b.groupSettings(GROUP, { events: { welcome: { useAI: true, prompt: 'Greet the newcomer warmly.' } } });
    b.up.enqueue({ text: 'Welcome aboard, friend!' });
    await sim.groupIncrease({ groupId: GROUP, userId: BOB });
    expect(textOf((await sim.nextAction('send_group_msg')).params!.message).trim()).to.equal('Welcome aboard, friend!');
    expect(chatCalls(b.up).at(-1)!.body.messages.at(-1).content).to.equal('Greet the newcomer warmly.');
  });
});
