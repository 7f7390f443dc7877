/**
 * A OneBot v11 implementation (NapCat, LLOneBot, Lagrange.OneBot) played for tests, in both
 * directions: it connects to the bridge as a reverse client, or serves a forward endpoint the
 * bridge connects to. It sends events in both message formats, answers actions strictly (and can
 * fail them, stay silent, answer late or out of order), and records every frame it got.
 *
 * ```ts
 * const sim = new OneBotSim({ selfId: 10001, groups: [{ groupId: 20002, name: 'Test group' }] });
 * await sim.connectReverse(`${srv.url.replace('http', 'ws')}/onebot/v11/ws`, { accessToken: 't' });
 * await sim.groupMessage({ groupId: 20002, userId: 30003, segments: [seg.at(10001), seg.text(' hi')] });
 * const reply = await sim.nextAction('send_group_msg');
 * expect(reply.error).to.equal(undefined);
 * expect(textOf(reply.params!.message)).to.equal('Hello!');
 * await sim.close();
 * ```
 *
 * Spec: github.com/botuniverse/onebot-11; the summary the bridge follows is docs/bot.md.
 */
import WebSocket from 'ws';
import { eventually } from './modules.ts';
import { Account, failed, refuse, type Answer, type GroupInfo } from './onebot/answers.ts';
import * as events from './onebot/events.ts';
import { ForwardServer, type UpgradeRecord } from './onebot/forward.ts';
import { RequestLog, matches, type LinkInfo, type Match, type RecordedRequest } from './onebot/record.ts';
import { dial, type ReverseOptions } from './onebot/reverse.ts';
import { readFrame } from './onebot/validate.ts';

export { seg, encodeCq, escapeText, escapeParam, textOf, forwardTexts, type Segment } from './onebot/segments.ts';
export { UpgradeRefused, type ReverseOptions } from './onebot/reverse.ts';
export type { Answer, GroupInfo, LinkInfo, Match, RecordedRequest, UpgradeRecord };
export type { Event, GroupMessageOptions, PrivateMessageOptions, MemberChangeOptions } from './onebot/events.ts';

export interface SimOptions {
  selfId?: number;
  nickname?: string;
  /** What `get_group_list` answers. */
  groups?: GroupInfo[];
  /** Heartbeat interval (ms) on every connection that carries events; `null`: none. Default 15000, OneBot's. */
  heartbeatMs?: number | null;
}

/**
 * How to answer the next matching valid request: not at all, held until `releaseHeld`, failed with
 * this retcode, or after a delay. Requests that fail the checks are answered 1400/1404 regardless.
 */
export type Behaviour = 'silent' | 'hold' | { fail: number; message?: string } | { delayMs: number };

interface Link extends LinkInfo {
  ws: WebSocket;
  heartbeat?: NodeJS.Timeout;
}

const carriesEvents = (link: LinkInfo) => link.role !== 'API';

function send(ws: WebSocket, text: string): Promise<void> {
  return new Promise((resolve, reject) => ws.send(text, (err) => (err ? reject(err) : resolve())));
}

export class OneBotSim {
  readonly account: Account;
  /** Every connection that closed, with its close code (1006: dropped without a close frame). */
  readonly closes: Array<LinkInfo & { code: number; at: number }> = [];
  private readonly log = new RequestLog();
  private readonly links = new Set<Link>();
  private rules: Array<{ match: Match; behaviour: Behaviour; left: number }> = [];
  private held: Array<() => void> = [];
  private heartbeatMs: number | null;
  private pongs = true;
  private reverse?: { url: string; opts: ReverseOptions };
  private server?: ForwardServer;

  constructor(opts: SimOptions = {}) {
    this.account = new Account(opts.selfId ?? 10001, opts.nickname ?? 'SimBot', opts.groups ?? []);
    this.heartbeatMs = opts.heartbeatMs === undefined ? 15_000 : opts.heartbeatMs;
  }

  get selfId(): number {
    return this.account.selfId;
  }

  /** Every frame received, oldest first: action requests and refused frames alike. */
  get requests(): readonly RecordedRequest[] {
    return this.log.all;
  }

  /** The upgrade requests the forward server saw, with the status each got. */
  get upgrades(): readonly UpgradeRecord[] {
    return this.server?.upgrades ?? [];
  }

  /** The connections open now. */
  get connections(): LinkInfo[] {
    return [...this.links].map(({ via, role }) => ({ via, role }));
  }

  // --- reverse WebSocket: the simulator dials the bridge ---

  /** Connects to the bridge's reverse URL; rejects with `UpgradeRefused` (`.status`) when it is refused. */
  async connectReverse(url: string, opts: ReverseOptions = {}): Promise<void> {
    this.reverse = { url, opts };
    const roles: Array<LinkInfo['role']> = opts.clients === 'split' ? ['API', 'Event'] : ['Universal'];
    const dials = await Promise.allSettled(
      roles.map((role) => dial(url, this.selfId, role, opts, (ws) => this.adopt(ws, { via: 'reverse', role }))),
    );
    const refused = dials.find((d) => d.status === 'rejected');
    if (!refused) return;
    await this.drop({ via: 'reverse' }); // a split client half open is no client
    throw refused.reason;
  }

  /** Drops the reverse connections and dials again with the same options, as an implementation restart does. */
  async reconnect(): Promise<void> {
    if (!this.reverse) throw new Error('reconnect() needs an earlier connectReverse()');
    await this.drop({ via: 'reverse' });
    await this.connectReverse(this.reverse.url, this.reverse.opts);
  }

  // --- forward WebSocket: the bridge dials the simulator ---

  /** Starts the forward server on loopback (`port` 0: a free one); answers its `ws://127.0.0.1:<port>`. */
  async serve(opts: { port?: number; accessToken?: string } = {}): Promise<string> {
    if (this.server) throw new Error('serve() was already called; use stopServing()/resumeServing()');
    this.server = new ForwardServer(opts.port ?? 0, opts.accessToken, (ws, role) => this.adopt(ws, { via: 'forward', role }));
    await this.server.start();
    return this.server.url;
  }

  /** Stops the forward server: its connections drop, new ones are refused (ECONNREFUSED). */
  async stopServing(): Promise<void> {
    await this.server?.stop();
    await eventually(() => this.connections.every((l) => l.via !== 'forward'), 2000, 'the forward connections to close');
  }

  /** Listens again on the same port, with the same token. */
  async resumeServing(): Promise<void> {
    if (!this.server) throw new Error('resumeServing() needs an earlier serve()');
    await this.server.start();
  }

  // --- connection faults ---

  /** Closes open connections: dropped without a close frame (a network failure), or closed with 1000 when `graceful`. */
  async drop(opts: { via?: LinkInfo['via']; graceful?: boolean } = {}): Promise<void> {
    const links = [...this.links].filter((l) => !opts.via || l.via === opts.via);
    await Promise.all(
      links.map(
        (l) =>
          new Promise<void>((resolve) => {
            l.ws.once('close', () => resolve());
            if (opts.graceful) l.ws.close(1000);
            else l.ws.terminate();
          }),
      ),
    );
  }

  /** Changes the heartbeat interval on every connection, now and later; `null` stops heartbeats (a dead peer). */
  setHeartbeat(ms: number | null): void {
    this.heartbeatMs = ms;
    for (const link of this.links) this.startHeartbeat(link);
  }

  /** Whether WebSocket pings are answered (off, with heartbeats off: a peer that is gone but not closed). */
  setPongs(on: boolean): void {
    this.pongs = on;
  }

  async waitConnected(count = 1, timeoutMs = 2000): Promise<void> {
    await eventually(() => this.links.size >= count, timeoutMs, `${count} open connection(s)`);
  }

  async waitDisconnected(timeoutMs = 2000): Promise<void> {
    await eventually(() => this.links.size === 0, timeoutMs, 'every connection to close');
  }

  // --- events: implementation → bridge ---

  async groupMessage(o: events.GroupMessageOptions): Promise<events.Event> {
    return this.event(events.groupMessage(o, this.messageIdFor(o)));
  }

  async privateMessage(o: events.PrivateMessageOptions): Promise<events.Event> {
    return this.event(events.privateMessage(o, this.messageIdFor(o)));
  }

  /** `userId` pokes `targetId` (default: the bot), in `groupId` when given. */
  async poke(o: { userId: number; targetId?: number; groupId?: number }): Promise<events.Event> {
    return this.event(events.poke({ ...o, targetId: o.targetId ?? this.selfId }));
  }

  async groupIncrease(o: Parameters<typeof events.groupIncrease>[0]): Promise<events.Event> {
    return this.event(events.groupIncrease(o));
  }

  async groupDecrease(o: Parameters<typeof events.groupDecrease>[0]): Promise<events.Event> {
    return this.event(events.groupDecrease(o));
  }

  /** Sends any event (`time` and `self_id` added unless given) on every connection that carries events. */
  async event(event: events.Event): Promise<events.Event> {
    const full = this.stamp(event);
    await this.broadcast(JSON.stringify(full));
    return full;
  }

  /** Sends a frame exactly as given (malformed JSON, say) on every connection that carries events. */
  async sendRaw(text: string): Promise<void> {
    await this.broadcast(text);
  }

  // --- actions: bridge → implementation ---

  /** Answers the next `times` valid requests matching with `behaviour` instead of normally. */
  answerNext(match: Match, behaviour: Behaviour, times = 1): void {
    this.rules.push({ match, behaviour, left: times });
  }

  /** Sends the answers held by `'hold'`, reversed (default) or in request order; answers how many. */
  releaseHeld(order: 'reversed' | 'in-order' = 'reversed'): number {
    const held = order === 'reversed' ? this.held.reverse() : this.held;
    this.held = [];
    for (const answer of held) answer();
    return held.length;
  }

  /** The oldest request matching that no earlier call returned, waiting for it up to `timeoutMs`. */
  nextAction(match: Match, timeoutMs = 2000): Promise<RecordedRequest> {
    return this.log.next(match, timeoutMs);
  }

  /** Fails if, `ms` from now, a request matching has arrived that `nextAction` did not take. */
  expectNoAction(match: Match, ms = 300): Promise<void> {
    return this.log.none(match, ms);
  }

  /** Drops every connection and stops the forward server. */
  async close(): Promise<void> {
    this.held = [];
    this.rules = [];
    await this.drop();
    await this.server?.stop();
  }

  /** An event as posted: `time` and `self_id` first, unless the event gives its own. */
  private stamp(event: events.Event): events.Event {
    return { time: Math.floor(Date.now() / 1000), self_id: this.selfId, ...event };
  }

  private messageIdFor(o: { messageId?: number }): number {
    return o.messageId === undefined ? this.account.newMessageId() : this.account.known(o.messageId);
  }

  private async broadcast(text: string): Promise<void> {
    const links = [...this.links].filter(carriesEvents);
    if (links.length === 0) throw new Error('no open connection carries events');
    await Promise.all(links.map((l) => send(l.ws, text)));
  }

  private adopt(ws: WebSocket, info: LinkInfo): void {
    const link: Link = { ws, ...info };
    this.links.add(link);
    ws.on('message', (data) => this.receive(link, String(data)));
    ws.on('ping', (data) => this.pongs && ws.pong(data));
    ws.on('error', () => {}); // a failure shows as the close that follows
    ws.on('close', (code) => {
      clearInterval(link.heartbeat);
      this.links.delete(link);
      this.closes.push({ ...info, code, at: Date.now() });
    });
    if (!carriesEvents(link)) return;
    send(ws, JSON.stringify(this.stamp(events.lifecycleConnect()))).catch(() => {});
    this.startHeartbeat(link);
  }

  private startHeartbeat(link: Link): void {
    clearInterval(link.heartbeat);
    link.heartbeat = undefined;
    const ms = this.heartbeatMs;
    if (ms === null || !carriesEvents(link)) return;
    link.heartbeat = setInterval(() => send(link.ws, JSON.stringify(this.stamp(events.heartbeat(ms)))).catch(() => {}), ms).unref();
  }

  private receive(link: Link, text: string): void {
    const read = readFrame(text);
    const record: RecordedRequest = {
      frame: read.frame,
      action: read.action,
      params: read.request?.params,
      echo: read.echo,
      at: Date.now(),
      link: { via: link.via, role: link.role },
    };
    if (link.role === 'Event') {
      record.error = 'an action sent on an event-only connection'; // an implementation does not read these
      return this.log.add(record);
    }
    const refusal = read.request ? refuse(read.request) : failed(1400, read.error!);
    record.error = refusal?.message;
    const behaviour = refusal ? undefined : this.takeBehaviour(record);
    this.log.add(record);
    if (behaviour === 'silent') return;
    const answer =
      refusal ??
      (typeof behaviour === 'object' && 'fail' in behaviour
        ? failed(behaviour.fail, behaviour.message ?? 'failed as the test asked')
        : this.account.perform(read.request!));
    const sendAnswer = () => this.answer(link, record, answer);
    if (behaviour === 'hold') this.held.push(sendAnswer);
    else if (typeof behaviour === 'object' && 'delayMs' in behaviour) setTimeout(sendAnswer, behaviour.delayMs).unref();
    else sendAnswer();
  }

  private takeBehaviour(record: RecordedRequest): Behaviour | undefined {
    const rule = this.rules.find((r) => r.left > 0 && matches(r.match, record));
    if (!rule) return undefined;
    rule.left -= 1;
    return rule.behaviour;
  }

  private answer(link: Link, record: RecordedRequest, answer: Omit<Answer, 'echo'>): void {
    if (link.ws.readyState !== WebSocket.OPEN) return;
    record.answer = { ...answer, echo: record.echo };
    record.answeredAt = Date.now();
    link.ws.send(JSON.stringify(record.answer));
  }
}
