/**
 * Usage statistics after real upstream calls: chats through the local upstream on two channels, a
 * failed call, a memory summary (source system), tool calls; clear and reset; bad input.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually, makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { STATS_MODULES } from './setup.ts';

const KEY = 'sk-stats-SECRET-0000-1111-abcd';

type Row = Record<string, unknown> & { calls: number; totalTokens: number };

describe('stats: usage after real upstream calls', function () {
  this.timeout(60_000);
  let modules: ModulesDir;
  let s: TestServer;
  let up: Upstream;
  let usageToday: string;
  const get = async (p: string) => {
    const res = await s.request('GET', p);
    expect(res.status, res.text).to.equal(200);
    return res.body.data;
  };
  const chat = async (body: Record<string, unknown>, status = 200) => {
    const res = await s.request('POST', '/api/chat', { body });
    expect(res.status, res.text).to.equal(status);
  };
  const addChannel = async (id: string, models: string[]) => {
    const res = await s.request('POST', '/api/channels', { body: { id, name: id, adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: KEY, models } });
    expect(res.status, res.text).to.equal(201);
  };
  const reply = (promptTokens: number, completionTokens: number) => ({ text: 'ok', usage: { promptTokens, completionTokens } });

  before(async () => {
    modules = await makeModulesDir({ real: STATS_MODULES });
    up = await startUpstream();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-stats-'));
    await writeFile(path.join(dataDir, 'config.json'), JSON.stringify({ memory: { model: 'mem-model' }, stats: { flushIntervalSeconds: 1 } }));
    s = await startServer({ modulesDir: modules.dir, dataDir });
    await addChannel('alpha', ['model-a1', 'model-a2']);
    await addChannel('beta', ['model-b', 'mem-model']);
  });
  after(async () => {
    await s?.stop();
    await up?.close();
    await modules?.cleanup();
  });

  it('adds up calls and tokens per channel, model, group and user after chats', async () => {
    up.enqueue(reply(10, 5), reply(20, 7), reply(30, 9), reply(40, 11));
    await chat({ message: 'one', userId: 'u1', groupId: 'g1', model: 'model-a1' });
    await chat({ message: 'two', userId: 'u1', groupId: 'g1', model: 'model-a1' });
    await chat({ message: 'three', userId: 'u2', model: 'model-a2' });
    await chat({ message: 'four', userId: 'u2', groupId: 'g2', model: 'model-b' });

    const usage = await get('/api/stats/usage?days=7');
    usageToday = usage.to;
    expect(usage.days).to.equal(7);
    expect(usage.daily).to.have.length(7);
    expect(usage.today).to.deep.include({ calls: 4, success: 4, failed: 0, promptTokens: 100, completionTokens: 32, totalTokens: 132 });
    expect(usage.total).to.deep.equal(usage.today);
    const byKey = (rows: Row[], key: string) => Object.fromEntries(rows.map((r) => [r[key], [r.calls, r.totalTokens]]));
    expect(byKey(usage.channelRanking, 'channelId')).to.deep.equal({ alpha: [3, 81], beta: [1, 51] });
    expect(byKey(usage.modelRanking, 'model')).to.deep.equal({ 'model-a1': [2, 42], 'model-a2': [1, 39], 'model-b': [1, 51] });
    expect(byKey(usage.groupRanking, 'groupId')).to.deep.equal({ g1: [2, 42], g2: [1, 51] });
    expect(byKey(usage.userRanking, 'userId')).to.deep.equal({ u1: [2, 42], u2: [2, 90] });
    expect(usage.channelRanking[0].channelId).to.equal('alpha'); // most calls first
    expect(usage.sources.api.calls).to.equal(4);
    expect(usage.daily.at(-1).byChannel).to.deep.equal({ alpha: { calls: 3, failed: 0, totalTokens: 81 }, beta: { calls: 1, failed: 0, totalTokens: 51 } });

    expect(usage.recent.map((r: Row) => r.model)).to.deep.equal(['model-b', 'model-a2', 'model-a1', 'model-a1']);
    expect(usage.recent[0]).to.deep.include({ kind: 'chat', source: 'api', channelId: 'beta', groupId: 'g2', userId: 'u2', promptTokens: 40, completionTokens: 11, totalTokens: 51, success: true });

    const alpha = await get('/api/stats/usage/channel/alpha?days=1');
    expect(alpha).to.deep.include({ channelId: 'alpha', days: 1, calls: 3, totalTokens: 81 });
    expect(alpha.models.map((m: Row) => [m.model, m.calls])).to.deep.equal([['model-a1', 2], ['model-a2', 1]]);
    expect(alpha.daily).to.have.length(1);
    expect((await get('/api/stats/usage/channel/never-used')).calls).to.equal(0);

    const overview = await get('/api/stats');
    expect(overview.models.totalCalls).to.equal(4);
    expect(overview.tokens).to.deep.include({ totalSum: 132, total: { input: 100, output: 32 } });
    expect(overview.models.byChannel).to.deep.equal({ alpha: 3, beta: 1 });
  });

  it('writes the records as JSON lines, readable by the owner only', async () => {
    const file = path.join(s.dataDir, 'stats', 'usage', `${usageToday}.ndjson`);
    const lines = await eventually(async () => {
      const text = await readFile(file, 'utf8');
      return text.split('\n').length === 5 && text.split('\n');
    }, 5000, 'four records written');
    expect(lines.slice(0, 4).map((l) => JSON.parse(l).totalTokens)).to.deep.equal([15, 27, 39, 51]);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
  });

  it('shows a failed call in the errors, the failed count and the filtered records', async () => {
    up.enqueue({ error: { status: 500, message: `upstream broke, key ${KEY}` } });
    await chat({ message: 'boom', userId: 'u3', model: 'model-b' }, 502);

    const usage = await get('/api/stats/usage');
    expect(usage.today).to.deep.include({ calls: 5, failed: 1 });
    expect(usage.errors.total).to.equal(1);
    expect(Object.values(usage.errors.byKind)).to.deep.equal([1]);
    const beta = await get('/api/stats/usage/channel/beta');
    expect(beta).to.deep.include({ calls: 2, failed: 1 });
    expect(beta.errors.total).to.equal(1);

    const failed = await get('/api/stats/usage/recent?success=false');
    expect(failed).to.have.length(1);
    expect(failed[0]).to.deep.include({ success: false, channelId: 'beta', model: 'model-b', userId: 'u3' });
    expect(failed[0].errorKind).to.be.a('string');
    expect(failed[0].error).to.include('upstream broke');
    expect(JSON.stringify(failed)).not.to.include(KEY);
    expect(await get('/api/stats/usage/recent?status=failed')).to.deep.equal(failed);
    expect(await get('/api/stats/usage/recent?channelId=alpha&limit=2')).to.have.length(2);
  });

  it('counts a memory summary as source system', async () => {
    for (const content of ['Likes tea', 'Likes green tea', 'Hikes', 'Hikes on Sundays', 'Reads', 'Reads Asimov']) {
      expect((await s.request('POST', '/api/memories/user/9001', { body: { content, category: 'preferences' } })).status).to.equal(201);
    }
    up.enqueue({ text: '- Likes tea\n- Hikes\n- Reads Asimov', usage: { promptTokens: 60, completionTokens: 6 } });
    const res = await s.request('POST', '/api/memories/user/9001/summarize', { body: { useLLM: true } });
    expect(res.status, res.text).to.equal(200);

    const usage = await get('/api/stats/usage');
    expect(usage.sources.system).to.deep.include({ calls: 1, totalTokens: 66 });
    expect(usage.kinds.summary.calls).to.equal(1);
    const [summary] = await get('/api/stats/usage/recent?source=system');
    expect(summary).to.deep.include({ kind: 'summary', source: 'system', channelId: 'beta', model: 'mem-model', userId: '9001', totalTokens: 66 });
  });

  it('records tool calls: summary, records, one record, errors; credentials masked', async () => {
    expect((await s.request('POST', '/api/tools/call', { body: { name: 'get_current_time', args: {} } })).status).to.equal(200);
    const secret = 'Bearer sk-tool-SECRET-9999-8888';
    expect((await s.request('POST', '/api/tools/call', { body: { name: 'text_transform', args: { text: secret, operation: 'trim' } } })).status).to.equal(200);
    expect((await s.request('POST', '/api/tools/call', { body: { name: 'calculate', args: {} } })).status).to.equal(400);

    const summary = await get('/api/stats/tool-calls');
    expect(summary).to.deep.include({ totalCalls: 3, successCalls: 2, failedCalls: 1 });
    expect(summary.byTool.map((t: Row) => [t.name, t.calls, t.failed])).to.have.deep.members([['get_current_time', 1, 0], ['text_transform', 1, 0], ['calculate', 1, 1]]);
    expect(summary.daily.at(-1)).to.deep.include({ calls: 3, failed: 1 });

    const records = await get('/api/stats/tool-calls/records');
    expect(records.map((r: Row) => r.toolName)).to.deep.equal(['calculate', 'text_transform', 'get_current_time']);
    expect(JSON.stringify(records)).not.to.include('SECRET');
    expect(await get('/api/stats/tool-calls/records?toolName=calculate')).to.have.length(1);
    expect(await get('/api/stats/tool-calls/records?success=true')).to.have.length(2);
    expect((await get('/api/stats/tool-calls/records?keyword=TEXT_TRANS')).map((r: Row) => r.toolName)).to.deep.equal(['text_transform']);
    expect(await get(`/api/stats/tool-calls/records?startTime=${Date.now() + 60_000}`)).to.deep.equal([]);
    expect(await get(`/api/stats/tool-calls/records?endTime=${new Date(Date.now() + 60_000).toISOString()}`)).to.have.length(3);

    const one = await get(`/api/stats/tool-calls/record/${records[1].id}`);
    expect(one).to.deep.equal(records[1]);
    const missing = await s.request('GET', `/api/stats/tool-calls/record/${Date.now()}-abcdef`);
    expect(missing.status).to.equal(404);
    expect(missing.body.code).to.equal('RECORD_NOT_FOUND');
    expect((await s.request('GET', '/api/stats/tool-calls/record/not-an-id')).status).to.equal(404);

    const errors = await get('/api/stats/tool-calls/errors?limit=50');
    expect(errors.map((r: Row) => [r.toolName, r.success])).to.deep.equal([['calculate', false]]);
    expect(errors[0].error).to.be.a('string').and.not.equal('');

    const unified = await get('/api/stats/unified');
    expect(unified.toolCalls.totalCalls).to.equal(3);
    expect(unified.overview.tools.totalCalls).to.equal(3);
    expect(unified.today.calls).to.equal(6);
  });

  it('refuses bad input with 400 and the field', async () => {
    for (const [p, field] of [
      ['/api/stats/usage?days=0', 'query.days'],
      ['/api/stats/usage?days=abc', 'query.days'],
      ['/api/stats?days=1.5', 'query.days'],
      ['/api/stats/usage/recent?limit=100000', 'query.limit'],
      ['/api/stats/usage/recent?success=maybe', 'query.success'],
      ['/api/stats/tool-calls/records?startTime=yesterday', 'query.startTime'],
      ['/api/stats/tool-calls/records?endTime=2024-13-45', 'query.endTime'],
      ['/api/stats/usage/channel/bad!id', 'params.id'],
    ]) {
      const res = await s.request('GET', p);
      expect(res.status, p).to.equal(400);
      expect(res.body.code, p).to.equal('VALIDATION_ERROR');
      expect(res.body.details.map((d: { path: string }) => d.path), p).to.include(field);
    }
    const body = await s.request('POST', '/api/stats/usage/clear', { body: { all: true } });
    expect(body.status).to.equal(400);
    expect(body.body.details[0].path).to.equal('body.all');
  });

  it('clears usage and tool-call records separately, and resets both', async () => {
    const cleared = await s.request('POST', '/api/stats/usage/clear');
    expect(cleared.status, cleared.text).to.equal(200);
    expect(cleared.body.data).to.deep.equal({ cleared: 6 });
    const usage = await get('/api/stats/usage');
    expect(usage.total.calls).to.equal(0);
    expect(usage.recent).to.deep.equal([]);
    expect((await get('/api/stats/tool-calls')).totalCalls).to.equal(3);

    up.enqueue(reply(1, 1));
    await chat({ message: 'after clear', userId: 'u1', model: 'model-a1' });
    expect((await get('/api/stats/usage')).total).to.deep.include({ calls: 1, totalTokens: 2 });

    const reset = await s.request('POST', '/api/stats/reset', { body: {} });
    expect(reset.body.data).to.deep.equal({ cleared: { usage: 1, toolCalls: 3 } });
    expect((await get('/api/stats/usage')).total.calls).to.equal(0);
    expect((await get('/api/stats/tool-calls')).totalCalls).to.equal(0);
    expect(await get('/api/stats/tool-calls/records')).to.deep.equal([]);

    expect((await s.request('POST', '/api/tools/call', { body: { name: 'get_current_time', args: {} } })).status).to.equal(200);
    expect((await s.request('POST', '/api/stats/tool-calls/clear')).body.data).to.deep.equal({ cleared: 1 });
    expect((await get('/api/stats/tool-calls')).totalCalls).to.equal(0);
  });
});
