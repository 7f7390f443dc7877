/**
 * Statistics on disk: retention (at start and when lowered), a line torn by a crash, records kept
 * across a restart (written when the server stops) and a crash (written by the interval), and a
 * reload of the stats module that counts nothing twice and loses nothing.
 */
import { expect } from 'chai';
import http from 'node:http';
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lastDays } from '../../../modules/stats/days.ts';
import { eventually, makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { STATS_MODULES } from './setup.ts';

const [DAY_40, DAY_5, TODAY] = ((days) => [days[0], days[35], days[40]])(lastDays(41));
const HOUR = 3_600_000;

/** An upstream-call record as the stats module writes it, one JSON line. */
function usageLine(id: string, timestamp: number, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id, timestamp, kind: 'chat', source: 'bot', channelId: 'old', model: 'old-model', promptTokens: 60, completionTokens: 40, totalTokens: 100,
    durationMs: 500, success: true, errorKind: null, error: null, groupId: '42', userId: '7', ...fields,
  });
}

function toolLine(id: string, timestamp: number): string {
  return JSON.stringify({ id, timestamp, toolName: 'old_tool', request: {}, response: null, success: true, error: null, errorStack: null, duration: 3, userId: null, groupId: null, source: 'builtin', caller: 'chat' });
}

describe('stats: records on disk', function () {
  this.timeout(90_000);
  let modules: ModulesDir;
  let up: Upstream;
  let s: TestServer;
  let dataDir: string;
  const file = (kind: string, day: string) => path.join(dataDir, 'stats', kind, `${day}.ndjson`);
  const exists = (f: string) => stat(f).then(() => true, () => false);
  const records = async (day: string) => (await readFile(file('usage', day), 'utf8')).split('\n').filter((l) => l.startsWith('{"id"') && l.endsWith('}')).map((l) => JSON.parse(l));
  const total = async (query = '') => {
    const res = await s.request('GET', `/api/stats/usage${query}`);
    expect(res.status, res.text).to.equal(200);
    return res.body.data.total as { calls: number; totalTokens: number };
  };
  const chat = async (message: string) => {
    up.enqueue({ text: 'ok', usage: { promptTokens: 3, completionTokens: 2 } });
    const res = await s.request('POST', '/api/chat', { body: { message, userId: 'u1', model: 'new-model' } });
    expect(res.status, res.text).to.equal(200);
  };

  before(async () => {
    modules = await makeModulesDir({ real: STATS_MODULES });
    up = await startUpstream();
    dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-stats-disk-'));
    // An hour between flushes: only stopping the server writes the records, unless a test says otherwise.
    await writeFile(path.join(dataDir, 'config.json'), JSON.stringify({ stats: { flushIntervalSeconds: 3600 } }));
    await mkdir(path.join(dataDir, 'stats', 'usage'), { recursive: true });
    await mkdir(path.join(dataDir, 'stats', 'tool-calls'), { recursive: true });
    const noon = (day: string) => new Date(`${day}T12:00:00`).getTime();
    await writeFile(file('usage', DAY_40), usageLine('1-a', noon(DAY_40)) + '\n');
    await writeFile(file('usage', DAY_5), [usageLine('2-a', noon(DAY_5)), usageLine('2-b', noon(DAY_5) + HOUR)].join('\n') + '\n');
    // Today's file ends in a line a crash cut short.
    await writeFile(file('usage', TODAY), usageLine('3-a', Date.now() - 1000, { channelId: 'today', totalTokens: 1 }) + '\n{"id":"3-b","timestamp":17');
    await writeFile(file('tool-calls', DAY_40), toolLine('4-a', noon(DAY_40)) + '\n');
    await writeFile(file('tool-calls', DAY_5), toolLine('5-a', noon(DAY_5)) + '\n');
    s = await startServer({ modulesDir: modules.dir, dataDir });
    const res = await s.request('POST', '/api/channels', { body: { id: 'main', name: 'main', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-stats-disk-0000-1111', models: ['new-model'] } });
    expect(res.status, res.text).to.equal(201);
  });
  after(async () => {
    await s?.stop();
    await up?.close();
    await modules?.cleanup();
  });

  it('drops the days older than stats.retentionDays at start, tool calls too, and skips a torn line', async () => {
    const usage = (await s.request('GET', '/api/stats/usage?days=60')).body.data;
    expect(usage.days).to.equal(30); // never more than are kept
    expect(usage.total).to.deep.include({ calls: 3, totalTokens: 201 });
    expect(usage.channelRanking.map((c: { channelId: string }) => c.channelId)).to.deep.equal(['old', 'today']);
    expect(usage.daily.find((d: { date: string }) => d.date === DAY_5).calls).to.equal(2);
    expect((await total('?days=1')).calls).to.equal(1);
    expect((await s.request('GET', '/api/stats/tool-calls')).body.data.totalCalls).to.equal(1);
    expect(await exists(file('usage', DAY_40))).to.equal(false);
    expect(await exists(file('tool-calls', DAY_40))).to.equal(false);
    expect(await exists(file('usage', DAY_5))).to.equal(true);
  });

  it('keeps the records across a restart: they are written when the server stops', async () => {
    await chat('one');
    await chat('two');
    expect((await total()).calls).to.equal(5);
    expect(await records(TODAY)).to.have.length(1); // not yet written: the interval is an hour
    await s.restart();
    expect(await total()).to.deep.include({ calls: 5, totalTokens: 211 });
    const today = await records(TODAY);
    expect(today.map((r) => r.model)).to.deep.equal(['old-model', 'new-model', 'new-model']); // the torn line swallowed nothing
    expect((await readdir(path.join(dataDir, 'stats', 'usage'))).sort()).to.deep.equal([`${DAY_5}.ndjson`, `${DAY_5}.rollup.json`, `${TODAY}.ndjson`, `${TODAY}.rollup.json`]);
  });

  it('counts nothing twice, and loses nothing, across a reload of the stats module', async () => {
    await chat('before the reload'); // heard by the version about to be replaced, not yet written
    expect((await total()).calls).to.equal(6);
    // A request still running on the old version keeps it (and its unwritten record) until it ends,
    // so the new version has read the files before the old one writes that record.
    const slow = http.request(`${s.url}/api/stats/usage/clear`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' } });
    const slowStatus = new Promise<number>((resolve, reject) => slow.on('response', (res) => resolve(res.resume().statusCode!)).on('error', reject));
    slow.write('{"keep":');
    await new Promise((r) => setTimeout(r, 500));
    const reload = await s.request('POST', '/api/system/modules/stats/reload');
    expect(reload.status, reload.text).to.equal(200);
    expect(reload.body.data.reloads).to.equal(1);
    await total(); // answered once the new version has read the files
    slow.end('true}');
    expect(await slowStatus).to.equal(400);
    // The old version writes its record as it goes; the new one reads it from the file.
    await eventually(async () => (await total()).calls === 6, 5000, 'the old version\'s record');
    await chat('after the reload');
    expect((await total()).calls).to.equal(7);
    await s.restart();
    expect((await total()).calls).to.equal(7);
    expect(await records(TODAY)).to.have.length(5);
  });

  it('keeps what the interval wrote across a crash', async () => {
    expect((await s.request('PUT', '/api/config/stats', { body: { flushIntervalSeconds: 1 } })).status).to.equal(200);
    await chat('before the crash');
    await eventually(async () => (await records(TODAY)).length === 6, 5000, 'the record written by the interval');
    process.kill(s.pid(), 'SIGKILL');
    await s.restart();
    expect(await total()).to.deep.include({ calls: 8, totalTokens: 226 });
  });

  it('deletes the days stats.retentionDays no longer keeps when it is lowered', async () => {
    const res = await s.request('PUT', '/api/config/stats', { body: { retentionDays: 3 } });
    expect(res.status, res.text).to.equal(200);
    await eventually(async () => !(await exists(file('usage', DAY_5))) && !(await exists(file('tool-calls', DAY_5))), 5000, 'the old days deleted');
    const usage = (await s.request('GET', '/api/stats/usage')).body.data;
    expect(usage.days).to.equal(3);
    expect(usage.total.calls).to.equal(6);
    expect((await s.request('GET', '/api/stats/tool-calls')).body.data.totalCalls).to.equal(0);
  });
});
