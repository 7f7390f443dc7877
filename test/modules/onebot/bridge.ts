/**
 * What the bridge's tests share: the real server with every module, a local upstream behind one
 * channel, and OneBot simulators connected to the server's reverse URL.
 */
import { expect } from 'chai';
import { OneBotSim, type ReverseOptions, type SimOptions } from '../../support/onebot.ts';
import { startServer, type StartOptions, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

export const BOT = 10001;
export const GROUP = 20002;
export const OTHER_GROUP = 20003;
export const MASTER = 30001;
export const ALICE = 30002;
export const BOB = 30003;
export const UPSTREAM_KEY = 'sk-onebot-SECRET-0000-1111-abcd';

export const reverseUrl = (s: TestServer) => `${s.url.replace(/^http/, 'ws')}/onebot/v11/ws`;

export interface Bridge {
  s: TestServer;
  up: Upstream;
  /** Simulators made by `sim`, closed by `reset` and `stop`. */
  sims: OneBotSim[];
  /** A simulator connected to the reverse URL (no token: the test runs on loopback). */
  sim(opts?: SimOptions, reverse?: ReverseOptions): Promise<OneBotSim>;
  /** Deep-merges into the configuration (PUT /api/config); fails the test on an error. */
  configure(partial: Record<string, unknown>): Promise<void>;
  /** Stores a group's own settings (PUT /api/group-admin/:groupId/config, as the master). */
  groupSettings(groupId: number, settings: Record<string, unknown>): Promise<void>;
  /** Closes the simulators and clears the upstream's record. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** The server, with one channel on the local upstream, `admin.masterQQ` set, and the bot's defaults otherwise. */
export async function startBridge(opts: StartOptions = {}): Promise<Bridge> {
  const [s, up] = await Promise.all([startServer(opts), startUpstream()]);
  const sims: OneBotSim[] = [];
  const bridge: Bridge = {
    s,
    up,
    sims,
    async sim(simOpts = {}, reverse = {}) {
      const sim = new OneBotSim({ selfId: BOT, groups: [{ groupId: GROUP, name: 'Test group' }], ...simOpts });
      sims.push(sim);
      await sim.connectReverse(reverseUrl(s), reverse);
      // Connected once the bridge lists it: from then on every event is answered.
      await sim.nextAction('get_login_info');
      return sim;
    },
    async configure(partial) {
      const res = await s.request('PUT', '/api/config', { body: partial });
      expect(res.status, res.text).to.equal(200);
    },
    async groupSettings(groupId, settings) {
      const res = await s.request('PUT', `/api/group-admin/${groupId}/config`, { body: settings });
      expect(res.status, res.text).to.equal(200);
    },
    async reset() {
      await Promise.all(sims.splice(0).map((sim) => sim.close()));
      up.reset();
    },
    async stop() {
      await bridge.reset();
      await Promise.all([s.stop(), up.close()]);
    },
  };
  const channel = await s.request('POST', '/api/channels', {
    body: { id: 'main', name: 'Main', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: UPSTREAM_KEY, models: ['gpt-4o'], priority: 1 },
  });
  expect(channel.status, channel.text).to.equal(201);
  await bridge.configure({ admin: { masterQQ: [String(MASTER)] } });
  return bridge;
}

export interface SuiteOptions extends StartOptions {
  /** Configuration written back after each test. */
  restore?: Record<string, unknown>;
  /** Groups whose own settings are removed after each test. */
  resetGroups?: number[];
}

/**
 * Registers a suite's hooks: a bridge for the suite (given to `onBridge`), and for each test, when
 * `onSim` is given, a simulator connected before it; after each, the simulators closed and the
 * configuration and groups restored.
 */
export function bridgeSuite(opts: SuiteOptions, onBridge: (b: Bridge) => void, onSim?: (sim: OneBotSim) => void): void {
  const { restore, resetGroups = [], ...start } = opts;
  let b: Bridge | undefined;
  before(async () => onBridge((b = await startBridge(start))));
  after(() => b?.stop());
  if (onSim) beforeEach(async () => onSim(await b!.sim()));
  afterEach(async () => {
    await b!.reset();
    if (restore) await b!.configure(restore);
    for (const groupId of resetGroups) expect((await b!.s.request('DELETE', `/api/group-admin/${groupId}/config`)).status).to.equal(200);
  });
}

/** The chat requests the upstream got (model lists and probes aside). */
export const chatCalls = (up: Upstream) => up.requests.filter((r) => r.protocol === 'openai');
