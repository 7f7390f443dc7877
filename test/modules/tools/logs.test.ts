import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestServer } from '../../support/server.ts';
import { callTool, startToolsKernel } from './harness.ts';

describe('tool call logs (/api/tools/logs) and stats', () => {
  let s: TestServer;
  let dataDir: string;
  before(async () => {
    // A log that is already full: the next call must push the oldest record out.
    dataDir = await mkdtemp(path.join(tmpdir(), 'tool-logs-'));
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      id: `old-${i}`, timestamp: i, toolName: 'old_tool', request: {}, response: null, success: true, error: null,
      duration: 1, userId: 'master', groupId: null, source: 'builtin', caller: 'tools',
    }));
    await mkdir(path.join(dataDir, 'tool-logs'));
    for (let chunk = 0; chunk < 10; chunk++) {
      const file = path.join(dataDir, 'tool-logs', `${String(chunk + 7).padStart(10, '0')}.json`);
      await writeFile(file, JSON.stringify({ entries: entries.slice(chunk * 100, chunk * 100 + 100) }));
    }
    s = await startToolsKernel({ dataDir });
  });
  after(async () => {
    await s?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const chunkFiles = async () => (await readdir(path.join(dataDir, 'tool-logs'))).filter((f) => f.endsWith('.json')).sort();

  it('keeps only the last 1,000 records, in chunks of 100 on disk', async () => {
    await callTool(s, 'calculate', { expression: '1+1' });
    const res = await s.request('GET', '/api/tools/logs?limit=1000');
    expect(res.body.data.total).to.equal(1000);
    expect(res.body.data.logs[0].toolName).to.equal('calculate');
    expect(res.body.data.logs.at(-1).id).to.equal('old-1');
    expect(await chunkFiles()).to.have.length(11);
    // 99 more calls fill the new chunk; the next one starts another, and the oldest chunk goes.
    for (let i = 0; i < 100; i++) await callTool(s, 'random_number');
    expect((await s.request('GET', '/api/tools/logs?limit=1')).body.data.total).to.equal(1000);
    const files = await chunkFiles();
    expect(files).to.have.length(11);
    expect(files[0]).to.equal('0000000008.json');
  });

  it('DELETE clears the records, on disk too', async () => {
    const res = await s.request('DELETE', '/api/tools/logs');
    expect(res.body.data).to.deep.equal({ success: true, cleared: 1000 });
    expect((await s.request('GET', '/api/tools/logs')).body.data.total).to.equal(0);
    expect(await chunkFiles()).to.deep.equal([]);
  });

  it('records each call, newest first, with request, response, success, error and caller', async () => {
    await callTool(s, 'calculate', { expression: '2*3' });
    await callTool(s, 'get_current_time', { timezone: 'Nowhere/Land' });
    const res = await s.request('GET', '/api/tools/logs');
    expect(res.status).to.equal(200);
    const [failed, ok] = res.body.data.logs;
    expect(failed).to.include({ toolName: 'get_current_time', success: false, userId: 'master', source: 'builtin', caller: 'tools' });
    expect(failed.error).to.include('Nowhere/Land');
    expect(ok).to.include({ toolName: 'calculate', success: true, error: null });
    expect(ok.request).to.deep.equal({ expression: '2*3' });
    expect(JSON.parse(ok.response.content[0].text).result).to.equal(6);
    expect(ok.id).to.match(/^\d+-[0-9a-f]+$/);
  });

  it('records arguments refused by the schema, but not calls of unknown or disabled tools', async () => {
    const before = (await s.request('GET', '/api/tools/logs')).body.data.total;
    await callTool(s, 'no_such_tool');
    await s.request('POST', '/api/tools/builtin/tool/toggle', { body: { toolName: 'date_diff', enabled: false } });
    await callTool(s, 'date_diff', { from: '2024-01-01' });
    await s.request('POST', '/api/tools/builtin/tool/toggle', { body: { toolName: 'date_diff', enabled: true } });
    expect((await s.request('GET', '/api/tools/logs')).body.data.total).to.equal(before);
    await callTool(s, 'calculate', {});
    const [refused] = (await s.request('GET', '/api/tools/logs')).body.data.logs;
    expect(refused).to.include({ toolName: 'calculate', success: false });
    expect(refused.error).to.match(/schema/);
  });

  it('filters by tool and by success, and pages with limit and offset', async () => {
    for (let i = 0; i < 4; i++) await callTool(s, 'random_number');
    const byTool = await s.request('GET', '/api/tools/logs?toolName=random_number&limit=3');
    expect(byTool.body.data).to.include({ total: 4, limit: 3, offset: 0 });
    expect(byTool.body.data.logs).to.have.length(3);
    const page2 = await s.request('GET', '/api/tools/logs?toolName=random_number&limit=3&offset=3');
    expect(page2.body.data.logs).to.have.length(1);
    expect(page2.body.data.logs[0].id).not.to.be.oneOf(byTool.body.data.logs.map((l: { id: string }) => l.id));
    const failures = await s.request('GET', '/api/tools/logs?success=false');
    expect(failures.body.data.logs.map((l: { toolName: string }) => l.toolName)).to.deep.equal(['calculate', 'get_current_time']);
  });

  it('cuts a large result to a preview', async () => {
    await callTool(s, 'text_transform', { text: 'y'.repeat(50_000), operation: 'uppercase' });
    const [entry] = (await s.request('GET', '/api/tools/logs?toolName=text_transform')).body.data.logs;
    expect(entry.response.truncated).to.equal(true);
    expect(entry.response.preview).to.have.length(2048);
  });

  it('GET /api/tools/stats counts tools per category and the recorded calls', async () => {
    const res = await s.request('GET', '/api/tools/stats');
    expect(res.body.data).to.include({ total: 9, enabled: 9, disabled: 0 });
    expect(res.body.data.categories.web).to.include({ name: 'Web', total: 2, enabled: 2, isCategoryEnabled: true });
    expect(res.body.data.calls).to.deep.equal({ total: 8, failed: 2 });
  });
});
