/**
 * Benchmarks of the OneBot v11 bridge (docs/architecture.md#benchmarks, docs/bot.md), through the real server with every
 * built-in module and a simulator on the reverse WebSocket, each phase on its own bot account:
 * - flood: 25,000 group messages that trigger nothing (chatter in 50 groups), offered at 5,000/s on
 *   one connection, with 50 triggered messages spread through them: lost = offered − `messagesIn`
 *   (target 0); for each triggered one, the simulator sending the event → the simulator receiving
 *   its `send_group_msg`, minus the upstream's own time (request read → answer written): median
 *   ≤ 20 ms. The triggered messages take turns among 10 of the groups, so a group's next one comes a
 *   second after its last: the figure is the bridge's delay, not a wait behind the same chat's
 *   earlier turn (one chat's turns run one at a time by design, §12 item 8). 5,000 messages of the
 *   same kind go first, uncounted, so that the figures are those of a server that has run the path;
 * - quiet: the upstream's last byte → the `send_group_msg` frame at the simulator, one triggered
 *   message at a time: median ≤ 5 ms;
 * - reloads: 20 reloads of `onebot` (an edit of its entry each) during a steady 200 messages/s:
 *   lost = offered − `messagesIn` (target 0).
 * The upstream answers at once; it and the simulators share this process's clock.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { seg, textOf, type OneBotSim, type RecordedRequest } from '../../test/support/onebot.ts';
import { info, runIfMain, target, type Figure } from './support/figures.ts';
import { startOnebotRig, type Counters, type OnebotRig } from './support/onebot-rig.ts';
import { sendPaced } from './support/paced.ts';
import { cpuMs } from './support/proc.ts';
import { schedSince, schedTimes } from './support/schedstat.ts';
import { max, median } from './support/stats.ts';

const FLOOD = 25_000;
const FLOOD_RATE = 5_000;
const FLOOD_TRIGGERS = 50;
const FLOOD_GROUPS = 50;
const TRIGGER_GROUPS = 10;
/** Messages offered (and left uncounted) before the flood, with triggered ones as often as in it. */
const FLOOD_WARMUP = 5_000;
/** One message in SPACING is a triggered one, mid-way in its stretch. */
const SPACING = FLOOD / FLOOD_TRIGGERS;
const QUIET_WARMUP = 5;
const QUIET_SAMPLES = 40;
const QUIET_GAP_MS = 50;
const STEADY_RATE = 200;
const STEADY_TRIGGER_EVERY = 50;
const RELOADS = 20;
const RELOAD_GAP_MS = 250;
/** How long the bridge may take, after the last message, to count them all. */
const DRAIN_TIMEOUT_MS = 15_000;
const REPLY_TIMEOUT_MS = 30_000;
const USER = 30002;

/** The bridge's reply to the triggered message `text`, and when the simulator got it. */
function replyTo(sim: OneBotSim, text: string): Promise<{ request: RecordedRequest; at: number }> {
  const match = (r: RecordedRequest) => r.action === 'send_group_msg' && textOf(r.params!.message) === `re: ${text}`;
  return sim.nextAction(match, REPLY_TIMEOUT_MS).then((request) => ({ request, at: performance.now() }));
}

/** Waits until `messagesIn` reaches `sent` (or the drain timeout passes); answers the last counters and when they were read. */
async function drained(rig: OnebotRig, selfId: number, sent: number): Promise<{ counters: Counters; at: number }> {
  const until = performance.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const counters = await rig.counters(selfId);
    if (counters.messagesIn >= sent || performance.now() > until) return { counters, at: performance.now() };
    await sleep(20);
  }
}

interface Sample {
  /** The simulator sending the event → the simulator receiving the reply. */
  total: number;
  /** The upstream's own time: request read → answer written. */
  upstreamOwn: number;
  /** The upstream's answer written → the simulator receiving the reply. */
  afterLastByte: number;
}

/** Sends one triggered message (an `at` of the bot): `sent` once it is on the socket, `sample` once its reply came. */
function trigger(rig: OnebotRig, sim: OneBotSim, groupId: number, text: string): { sent: Promise<unknown>; sample: Promise<Sample> } {
  const reply = replyTo(sim, text);
  const sentAt = performance.now();
  const sent = sim.groupMessage({ groupId, userId: USER, segments: [seg.at(sim.selfId), seg.text(` ${text}`)] });
  const sample = (async () => {
    const { at } = await reply;
    const upstream = await rig.timings.get(text)!;
    return { total: at - sentAt, upstreamOwn: upstream.lastByteAt - upstream.receivedAt, afterLastByte: at - upstream.lastByteAt };
  })();
  return { sent, sample };
}

/** Offers `chatter` messages that trigger nothing with `triggers` triggered ones spread through them, at FLOOD_RATE. */
async function offerFlood(rig: OnebotRig, sim: OneBotSim, chatter: number, triggers: number) {
  const spacing = (chatter + triggers) / triggers;
  const turns: Array<Promise<Sample>> = [];
  const paced = await sendPaced(
    FLOOD_RATE,
    (i) => {
      if (i % spacing !== spacing >> 1) return sim.groupMessage({ groupId: 20200 + (i % FLOOD_GROUPS), userId: USER, text: `chatter ${i}` });
      const { sent, sample } = trigger(rig, sim, 20200 + (turns.length % TRIGGER_GROUPS), `flood ${chatter} ${i}`);
      turns.push(sample);
      sample.catch(() => {}); // awaited after the flood, which goes on meanwhile
      return sent;
    },
    { total: chatter + triggers },
  );
  return { paced, sentAt: performance.now(), samples: Promise.allSettled(turns) };
}

async function flood(rig: OnebotRig): Promise<Figure[]> {
  const selfId = 10101;
  const sim = await rig.connect(selfId);
  // A server that has run the path a while, as a bot's has: V8 has compiled it, the groups' settings are read.
  const warm = await offerFlood(rig, sim, FLOOD_WARMUP, FLOOD_WARMUP / SPACING);
  await warm.samples;
  const before = (await drained(rig, selfId, warm.paced.sent)).counters;
  const pid = rig.server.pid();
  const [cpuBefore, schedBefore, reloadsBefore] = [await cpuMs(pid), await schedTimes(pid), await rig.otherReloads()];
  const { paced, sentAt, samples: pending } = await offerFlood(rig, sim, FLOOD, FLOOD_TRIGGERS);
  const { counters, at } = await drained(rig, selfId, before.messagesIn + paced.sent);
  const cpu = (await cpuMs(pid)) - cpuBefore;
  const sched = schedSince(schedBefore, await schedTimes(pid));
  const settled = await pending;
  const samples = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const reloads = (await rig.otherReloads()) - reloadsBefore;
  const latency = samples.map((s) => s.total - s.upstreamOwn);
  await sim.close();
  return [
    target(`bot: group messages lost of ${FLOOD} that trigger nothing, offered at ${FLOOD_RATE}/s on one connection`, before.messagesIn + paced.sent - counters.messagesIn, 'messages', '=', 0, 0),
    info('bot: rate the flood was offered at (messages of both kinds)', paced.sent / paced.seconds, 'messages/s', 0),
    info('bot: last message sent → all counted in messagesIn', at - sentAt, 'ms', 0),
    info(`bot: server CPU during the flood per message offered, its ${FLOOD_TRIGGERS} turns included (all threads, 10 ms ticks)`, (cpu * 1000) / paced.sent, 'µs', 0),
    // On a shared machine the server may not get the CPU the flood needs: how long its main thread waited for one.
    info("bot: server's main thread during the flood: on a CPU", sched.running, 'ms', 0),
    info("bot: server's main thread during the flood: runnable, waiting for a CPU", sched.waiting, 'ms', 0),
    target(`bot: triggered message amid the flood → its send_group_msg, minus the upstream's own time, median of ${samples.length}`, median(latency), 'ms', '≤', 20, 1),
    info('bot: same, max', max(latency), 'ms', 1),
    info("bot: the upstream's own time (request read → answer written), median", median(samples.map((s) => s.upstreamOwn)), 'ms', 2),
    target(`bot: messages triggered in the flood (of ${FLOOD_TRIGGERS})`, counters.triggered - before.triggered, 'messages', '=', FLOOD_TRIGGERS, 0),
    target(`bot: triggered messages in the flood answered within ${REPLY_TIMEOUT_MS / 1000} s (of ${FLOOD_TRIGGERS})`, samples.length, 'messages', '=', FLOOD_TRIGGERS, 0),
    info('bot: reloads of other modules meanwhile (edits in the working tree; each costs a build)', reloads, 'reloads', 0),
  ];
}

async function quiet(rig: OnebotRig): Promise<Figure[]> {
  const sim = await rig.connect(10102);
  const pid = rig.server.pid();
  const [schedBefore, reloadsBefore] = [await schedTimes(pid), await rig.otherReloads()];
  const samples: Sample[] = [];
  for (let i = 0; i < QUIET_WARMUP + QUIET_SAMPLES; i++) {
    const { sent, sample } = trigger(rig, sim, 20102, `quiet ${i}`);
    await sent;
    if (i >= QUIET_WARMUP) samples.push(await sample);
    else await sample;
    await sleep(QUIET_GAP_MS);
  }
  await sim.close();
  const sched = schedSince(schedBefore, await schedTimes(pid));
  const reloads = (await rig.otherReloads()) - reloadsBefore;
  const afterLastByte = samples.map((s) => s.afterLastByte);
  return [
    target(`bot: upstream's last byte → send_group_msg at the simulator, quiet connection, median of ${QUIET_SAMPLES}`, median(afterLastByte), 'ms', '≤', 5, 2),
    info('bot: same, max', max(afterLastByte), 'ms', 1),
    info('bot: event sent → send_group_msg received, quiet connection, median', median(samples.map((s) => s.total)), 'ms', 2),
    info(`bot: server's main thread over those ${QUIET_WARMUP + QUIET_SAMPLES} turns: on a CPU`, sched.running, 'ms', 0),
    info(`bot: server's main thread over those ${QUIET_WARMUP + QUIET_SAMPLES} turns: runnable, waiting for a CPU`, sched.waiting, 'ms', 0),
    info('bot: reloads of other modules meanwhile', reloads, 'reloads', 0),
  ];
}

async function reloads(rig: OnebotRig): Promise<Figure[]> {
  const selfId = 10103;
  const sim = await rig.connect(selfId);
  let reloading = true;
  const replies: Array<Promise<unknown>> = [];
  const sending = sendPaced(
    STEADY_RATE,
    (i) => {
      if (i % STEADY_TRIGGER_EVERY) return sim.groupMessage({ groupId: 20103, userId: USER, text: `chatter ${i}` });
      replies.push(replyTo(sim, `steady ${i}`).catch(() => undefined));
      return sim.groupMessage({ groupId: 20103, userId: USER, segments: [seg.at(selfId), seg.text(` steady ${i}`)] });
    },
    { stop: () => !reloading },
  );
  const started = performance.now();
  try {
    for (let n = 0; n < RELOADS; n++) {
      await sleep(RELOAD_GAP_MS);
      await rig.reload();
    }
  } finally {
    reloading = false;
  }
  const seconds = (performance.now() - started) / 1000;
  const paced = await sending;
  const { counters } = await drained(rig, selfId, paced.sent);
  const answered = (await Promise.all(replies)).filter(Boolean).length;
  const closes = sim.closes.length;
  await sim.close();
  return [
    target(`bot: events lost across ${RELOADS} reloads of onebot during a steady ${STEADY_RATE} messages/s`, paced.sent - counters.messagesIn, 'messages', '=', 0, 0),
    info(`bot: messages offered during those reloads (${seconds.toFixed(1)} s)`, paced.sent, 'messages', 0),
    target(`bot: triggered messages among them answered (of ${replies.length})`, answered, 'messages', '=', replies.length, 0),
    target('bot: connections closed by the reloads', closes, 'connections', '=', 0, 0),
  ];
}

export async function run(): Promise<Figure[]> {
  const rig = await startOnebotRig();
  try {
    return [...(await flood(rig)), ...(await quiet(rig)), ...(await reloads(rig))];
  } finally {
    await rig.stop();
  }
}

runIfMain(import.meta.url, run);
