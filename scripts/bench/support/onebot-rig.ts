/**
 * What the bot benchmarks stand on: the real server with every built-in module, `onebot` served
 * through a one-line entry in a temporary MODULES_DIR (so a reload is an edit of that entry and
 * never of the project's files; the bundle is rebuilt from all of the module's files each time),
 * one channel on the local upstream, and OneBot simulators on the reverse URL.
 *
 * The upstream answers at once, `re: <the user's text>`, and notes for each answer when its
 * handler was called (the request read) and when the answer was written, on this process's clock
 * (the simulators' too).
 */
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { makeModulesDir, type ModulesDir } from '../../../test/support/modules.ts';
import { OneBotSim } from '../../../test/support/onebot.ts';
import { ROOT } from '../../../test/support/root.ts';
import type { TestServer } from '../../../test/support/server.ts';
import { startUpstream, type Upstream } from '../../../test/support/upstream.ts';
import { startBenchKernel } from './kernel.ts';

const ENTRY = `export { default } from '${path.join(ROOT, 'modules/onebot/index.ts')}';\n`;

/** When the upstream read one request and when it wrote the answer's last byte (performance.now()). */
export interface UpstreamTiming {
  receivedAt: number;
  lastByteAt: number;
}

export interface Counters {
  messagesIn: number;
  triggered: number;
  repliesOut: number;
  errors: number;
}

export interface OnebotRig {
  server: TestServer;
  upstream: Upstream;
  /** The upstream's timings, by the user text it answered; resolved once the answer has left. */
  timings: Map<string, Promise<UpstreamTiming>>;
  /** A simulator for account `selfId`, connected and known to the bridge. */
  connect(selfId: number): Promise<OneBotSim>;
  /** `GET /api/bots` counters of one account. */
  counters(selfId: number): Promise<Counters>;
  /** Edits the module's entry and waits until the kernel has counted one more reload of `onebot`. */
  reload(): Promise<void>;
  /**
   * Reloads the kernel counted of the other modules: they are the project's own folders, linked in,
   * so an edit someone makes in the working tree (or in lib/) meanwhile rebuilds them in this server.
   */
  otherReloads(): Promise<number>;
  stop(): Promise<void>;
}

export async function startOnebotRig(): Promise<OnebotRig> {
  const builtIn = readdirSync(path.join(ROOT, 'modules'), { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'onebot');
  const modules: ModulesDir = await makeModulesDir({ real: builtIn.map((d) => d.name) });
  await modules.write('onebot/index.ts', ENTRY);
  const timings = new Map<string, Promise<UpstreamTiming>>();
  const upstream = await startUpstream({
    defaultReply: (request) => {
      const receivedAt = performance.now();
      const text: string = request.body.messages.at(-1).content;
      // The upstream renders and ends the answer right after this returns, in the same turn (a socket write
      // is tried at once), so the next microtask sees it written; the response's 'close' event comes later.
      const written = new Promise<number>((resolve) => queueMicrotask(() => resolve(performance.now())));
      const timing = Promise.all([written, request.closed]).then(([lastByteAt]) => {
        if (request.closedEarly) throw new Error(`the bridge closed the upstream request for "${text}" early`);
        return { receivedAt, lastByteAt };
      });
      timing.catch(() => {}); // a failure is for whoever asks for this timing
      timings.set(text, timing);
      return { text: `re: ${text}` };
    },
  });
  const server = await startBenchKernel({ modulesDir: modules.dir }).catch(async (err) => {
    await Promise.all([upstream.close(), modules.cleanup()]);
    throw err;
  });
  const sims: OneBotSim[] = [];
  let edits = 0;

  const expectOk = async (method: string, route: string, body: unknown, status: number) => {
    const res = await server.request(method, route, { body });
    if (res.status !== status) throw new Error(`${method} ${route} answered ${res.status}: ${res.text}`);
    return res.body.data;
  };
  const moduleList = async () => (await expectOk('GET', '/api/system/modules', undefined, 200)) as Array<{ name: string; status: string; reloads: number; error?: string }>;
  const onebotReloads = async (): Promise<number> => {
    const entry = (await moduleList()).find((m) => m.name === 'onebot');
    if (entry?.status !== 'loaded') throw new Error(`the onebot module is ${entry?.status ?? 'absent'}: ${entry?.error ?? ''}`);
    return entry.reloads;
  };

  const stop = async () => {
    await Promise.all(sims.map((sim) => sim.close()));
    await server.stop();
    await upstream.close();
    await modules.cleanup();
  };
  try {
    await onebotReloads();
    await expectOk('POST', '/api/channels', { id: 'bench', name: 'Bench', adapterType: 'openai', baseUrl: upstream.baseUrl('openai'), apiKey: 'sk-bench-0000-0000-0000', models: ['bench-model'] }, 201);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    server,
    upstream,
    timings,
    async connect(selfId) {
      const sim = new OneBotSim({ selfId });
      sims.push(sim);
      await sim.connectReverse(`${server.url.replace(/^http/, 'ws')}/onebot/v11/ws`);
      await sim.nextAction('get_login_info', 10_000); // from then on the bridge answers every event
      return sim;
    },
    async counters(selfId) {
      const bots = (await expectOk('GET', '/api/bots', undefined, 200)) as Array<{ selfId: string | null; counters: Counters }>;
      const bot = bots.find((b) => b.selfId === String(selfId));
      if (!bot) throw new Error(`GET /api/bots does not list bot ${selfId}`);
      return bot.counters;
    },
    async reload() {
      const before = await onebotReloads();
      await modules.write('onebot/index.ts', `${ENTRY}// edit ${++edits}\n`);
      const until = performance.now() + 10_000;
      while ((await onebotReloads()) <= before) {
        if (performance.now() > until) throw new Error(`onebot was not reloaded within 10 s of edit ${edits}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async otherReloads() {
      return (await moduleList()).reduce((n, m) => n + (m.name === 'onebot' ? 0 : m.reloads), 0);
    },
    stop,
  };
}
