import { expect } from 'chai';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

const KEY = 'sk-metrics-SECRET-0000-abcd';

/** The families of a scrape by name, read by a real parser of the text format. */
function parse(text: string): Map<string, ParsedFamily> {
  return new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
}

/** The value of the series of `family` whose labels include `labels`, 0 when there is none. */
function value(families: Map<string, ParsedFamily>, family: string, labels: Record<string, string> = {}): number {
  const found = families.get(family)?.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)) ?? [];
  return found.reduce((sum, m) => sum + Number(m.value), 0);
}

describe('GET /api/metrics (docs/statistics.md#metrics)', () => {
  let s: TestServer;
  let up: Upstream;
  const scrape = async (token?: string | null) => {
    const res = await s.request('GET', '/api/metrics', { token });
    expect(res.status, res.text).to.equal(200);
    return parse(res.text);
  };
  const chat = async (message: string) => {
    const res = await s.request('POST', '/api/chat', { body: { message, userId: 'u1', model: 'gpt-4o' } });
    expect(res.status, res.text).to.equal(200);
  };

  before(async () => {
    [s, up] = await Promise.all([startServer(), startUpstream()]);
    const channel = await s.request('POST', '/api/channels', { body: { id: 'main', name: 'Main', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: KEY, models: ['gpt-4o'] } });
    expect(channel.status, channel.text).to.equal(201);
  });
  after(() => Promise.all([s?.stop(), up?.close()]));

  it('answers the Prometheus text format, with the process metrics', async () => {
    const res = await s.request('GET', '/api/metrics');
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const families = parse(res.text);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds', 'nodejs_version_info']) {
      expect(families.has(name), name).to.equal(true);
    }
    expect(families.get('process_cpu_seconds_total')!.type).to.equal('COUNTER');
  });

  it('counts HTTP requests by module and status, as they are answered', async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) await s.request('GET', '/api/system/status');
    await s.request('GET', '/api/presets/no-such-preset');
    await s.request('GET', '/api/system/status', { token: null });
    const after = await scrape();
    const moved = (labels: Record<string, string>) => value(after, 'chatai_http_requests_total', labels) - value(before, 'chatai_http_requests_total', labels);
    expect(moved({ module: 'system', status: '200' })).to.equal(3);
    expect(moved({ module: 'presets', status: '404' })).to.equal(1);
    expect(moved({ module: 'system', status: '401' })).to.equal(1);
    expect(moved({ module: 'metrics', status: '200' })).to.equal(1); // the first scrape
    expect(after.get('chatai_http_requests_total')!.type).to.equal('COUNTER');
  });

  it('counts upstream calls, time and tokens by channel and model after chats through the upstream', async () => {
    up.enqueue({ text: 'Hello!', usage: { promptTokens: 20, completionTokens: 3 } }, { text: 'Again!', usage: { promptTokens: 30, completionTokens: 5 } });
    await chat('hello');
    await chat('hello again');
    const families = await scrape();
    const call = { channel: 'main', model: 'gpt-4o', kind: 'chat', source: 'api', outcome: 'success' };
    expect(value(families, 'chatai_upstream_calls_total', call)).to.equal(2);
    expect(value(families, 'chatai_upstream_call_seconds_total', call)).to.be.above(0);
    expect(value(families, 'chatai_upstream_tokens_total', { channel: 'main', model: 'gpt-4o', type: 'prompt' })).to.equal(50);
    expect(value(families, 'chatai_upstream_tokens_total', { channel: 'main', model: 'gpt-4o', type: 'completion' })).to.equal(8);

    up.enqueue({ error: { status: 429, message: 'slow down' } });
    expect((await s.request('POST', '/api/chat', { body: { message: 'once more', userId: 'u1', model: 'gpt-4o' } })).status).to.equal(502);
    expect(value(await scrape(), 'chatai_upstream_calls_total', { ...call, outcome: 'http_429' })).to.equal(1);
  });

  it('keeps every count across a reload of the module, and counts each later call once', async () => {
    const before = await scrape();
    const calls = () => value(before, 'chatai_upstream_calls_total', { channel: 'main' });
    expect(calls()).to.equal(3);
    expect((await s.request('POST', '/api/system/modules/metrics/reload')).status).to.equal(200);
    const reloaded = await scrape();
    expect(value(reloaded, 'chatai_upstream_calls_total', { channel: 'main' })).to.equal(3);
    expect(value(reloaded, 'chatai_upstream_tokens_total', { channel: 'main' })).to.equal(value(before, 'chatai_upstream_tokens_total', { channel: 'main' }));
    // Counters only grow: the kernel's request counts, and the CPU time, counted from the process's start.
    for (const name of ['chatai_http_requests_total', 'process_cpu_seconds_total']) expect(value(reloaded, name), name).to.be.above(value(before, name));
    up.enqueue({ text: 'After the reload', usage: { promptTokens: 1, completionTokens: 1 } });
    await chat('after the reload');
    expect(value(await scrape(), 'chatai_upstream_calls_total', { channel: 'main' })).to.equal(4);
  });

  it('keeps its counts when the statistics are cleared and reset', async () => {
    const before = await scrape();
    const calls = (families: Map<string, ParsedFamily>) => value(families, 'chatai_upstream_calls_total', { channel: 'main' });
    expect(calls(before)).to.be.above(0);
    expect((await s.request('POST', '/api/stats/usage/clear', { body: {} })).status).to.equal(200);
    expect((await s.request('POST', '/api/stats/reset', { body: {} })).status).to.equal(200);
    const stats = await s.request('GET', '/api/stats/usage');
    expect(stats.status, stats.text).to.equal(200);
    const after = await scrape();
    expect(calls(after)).to.equal(calls(before));
    expect(value(after, 'chatai_upstream_tokens_total', { channel: 'main' })).to.equal(value(before, 'chatai_upstream_tokens_total', { channel: 'main' }));
  });

  it('needs the master token: 401 without one or with a bad one, 403 for a group admin', async () => {
    const none = await s.request('GET', '/api/metrics', { token: null });
    expect(none.status).to.equal(401);
    expect(none.body).to.include({ success: false, code: 'UNAUTHORIZED' });
    const bad = await s.request('GET', '/api/metrics', { token: 'not.a.jwt' });
    expect(bad.status).to.equal(401);
    expect(bad.body.code).to.equal('INVALID_TOKEN');
    const group = await s.request('GET', '/api/metrics', { token: await s.loginAs({ groupId: 'g1' }) });
    expect(group.status).to.equal(403);
    expect(group.body.code).to.equal('FORBIDDEN');
  });

  it('answers without a token while metrics.public is true', async () => {
    const set = await s.request('PUT', '/api/config', { body: { metrics: { public: true } } });
    expect(set.status, set.text).to.equal(200);
    expect(value(await scrape(null), 'chatai_upstream_calls_total', { channel: 'main' })).to.equal(4);
    expect((await s.request('PUT', '/api/config', { body: { metrics: { public: false } } })).status).to.equal(200);
    expect((await s.request('GET', '/api/metrics', { token: null })).status).to.equal(401);
    const wrong = await s.request('PUT', '/api/config', { body: { metrics: { public: 'yes' } } });
    expect(wrong.status).to.equal(400);
  });
});
