import { expect } from 'chai';
import type { TestServer } from '../../support/server.ts';
import { startToolsKernel, storedToolSettings } from '../tools/harness.ts';

describe('/api/skills', () => {
  let s: TestServer;
  before(async () => {
    s = await startToolsKernel();
  });
  after(async () => {
    await s?.stop();
  });

  it('GET /tools lists every skill with its source flags', async () => {
    const res = await s.request('GET', '/api/skills/tools');
    expect(res.body.data.count).to.equal(9);
    const calc = res.body.data.tools.find((t: { name: string }) => t.name === 'calculate');
    expect(calc).to.include({ category: 'utils', source: 'builtin', isBuiltin: true, isMcpTool: false, isJsTool: false, isCustom: false, serverName: null });
    expect((await s.request('GET', '/api/skills/tools?includeBuiltin=false')).body.data.count).to.equal(0);
  });

  it('GET /tools/:name/detail lists the parameters', async () => {
    const res = await s.request('GET', '/api/skills/tools/random_number/detail');
    expect(res.body.data).to.include({ name: 'random_number', category: 'utils', source: 'builtin', isDangerous: false });
    expect(res.body.data.parameters.find((p: { name: string }) => p.name === 'count')).to.deep.equal({
      name: 'count', type: 'integer', description: '', required: false, default: 1, enum: null,
    });
    const missing = await s.request('GET', '/api/skills/tools/nope/detail');
    expect(missing.status).to.equal(404);
    expect(missing.body.code).to.equal('TOOL_NOT_FOUND');
  });

  it('GET /search ranks by name and description', async () => {
    const res = await s.request('GET', '/api/skills/search?q=random');
    expect(res.body.data.query).to.equal('random');
    expect(res.body.data.results.map((r: { name: string }) => r.name)).to.deep.equal(['random_choice', 'random_number']);
    expect(res.body.data.results[0].score).to.equal(80 + 40 + 20 + 10);
    const exact = await s.request('GET', '/api/skills/search?q=calculate&limit=1');
    expect(exact.body.data.results).to.have.length(1);
    expect(exact.body.data.results[0]).to.include({ name: 'calculate', score: 120 });
    expect((await s.request('GET', '/api/skills/search?q=zzz')).body.data.count).to.equal(0);
    expect((await s.request('GET', '/api/skills/search?category=web')).body.data.count).to.equal(2);
  });

  it('POST /recommend suggests skills by keywords and words of the context', async () => {
    const res = await s.request('POST', '/api/skills/recommend', { body: { context: 'What time is it in Tokyo?', limit: 3 } });
    expect(res.status).to.equal(200);
    expect(res.body.data).to.include({ context: 'What time is it in Tokyo?', count: 3 });
    expect(res.body.data.recommendations[0]).to.include({ name: 'get_current_time', category: 'basic' });
    const web = await s.request('POST', '/api/skills/recommend', { body: { context: '帮我看看这个网页' } });
    expect(web.body.data.recommendations.map((r: { name: string }) => r.name)).to.have.members(['http_fetch', 'web_page_to_text']);
    expect((await s.request('POST', '/api/skills/recommend', { body: { context: 'zzz qqq' } })).body.data.count).to.equal(0);
  });

  it('GET /discover summarises categories, largest first', async () => {
    const res = await s.request('GET', '/api/skills/discover');
    expect(res.body.data.total).to.equal(9);
    expect(res.body.data.categories.map((c: { category: string }) => c.category)).to.deep.equal(['utils', 'basic', 'web']);
    expect(res.body.data.categories[0].skills).to.have.length(4);
  });

  it('GET /status and /stats report counts and categories', async () => {
    const status = (await s.request('GET', '/api/skills/status')).body.data;
    expect(status.stats).to.include({ total: 9, enabled: 9 });
    expect(status.categories.map((c: { key: string }) => c.key)).to.have.members(['basic', 'utils', 'web']);
    expect(status.servers[0]).to.include({ name: 'builtin', status: 'connected' });
    expect(status.timestamp).to.be.a('number');
    expect((await s.request('GET', '/api/skills/stats')).body.data.categories.basic).to.include({ total: 3 });
  });

  it('POST /execute answers the tool result', async () => {
    const res = await s.request('POST', '/api/skills/execute', { body: { toolName: 'calculate', args: { expression: '3*3' } } });
    expect(res.status).to.equal(200);
    expect(JSON.parse(res.body.data.content[0].text).result).to.equal(9);
  });

  it('POST /execute answers 200 with isError for an unknown skill, bad arguments or a failing tool', async () => {
    for (const [body, code] of [
      [{ toolName: 'nope' }, 'TOOL_NOT_FOUND'],
      [{ toolName: 'calculate', args: {} }, 'INVALID_ARGS'],
      [{ toolName: 'calculate', args: { expression: '1/0' } }, 'INVALID_ARGS'],
    ] as const) {
      const res = await s.request('POST', '/api/skills/execute', { body });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ isError: true, code });
      expect(res.body.data.content[0].text).to.be.a('string').and.not.equal('');
    }
  });

  it('POST /execute/batch runs every call and keeps their order', async () => {
    const calls: Array<{ name: string; args: Record<string, unknown> }> = Array.from({ length: 8 }, (_, i) => ({ name: 'calculate', args: { expression: `${i} * 2` } }));
    calls.push({ name: 'nope', args: {} });
    const res = await s.request('POST', '/api/skills/execute/batch', { body: { calls } });
    expect(res.body.data.count).to.equal(9);
    const values = res.body.data.results.slice(0, 8).map((r: { result: { content: Array<{ text: string }> } }) => JSON.parse(r.result.content[0].text).result);
    expect(values).to.deep.equal([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(res.body.data.results[8]).to.include({ name: 'nope', success: false });
  });

  it('category and tool toggles write config.json and answer the lists', async () => {
    const cat = await s.request('POST', '/api/skills/categories/basic/toggle', { body: { enabled: false } });
    expect(cat.body.data.enabledCategories).to.have.members(['utils', 'web']);
    const tool = await s.request('POST', '/api/skills/tools/calculate/toggle', { body: { enabled: false } });
    expect(tool.body.data.disabledTools).to.deep.equal(['calculate']);
    const stored = await storedToolSettings(s);
    expect(stored.enabledCategories).to.have.members(['utils', 'web']);
    expect(stored.disabledTools).to.deep.equal(['calculate']);
    expect((await s.request('GET', '/api/skills/stats')).body.data).to.include({ enabled: 5, disabled: 4 });

    const all = await s.request('POST', '/api/skills/enable-all');
    expect(all.body.data).to.deep.equal({ success: true, enabledCount: 9 });
    const none = await s.request('POST', '/api/skills/disable-all');
    expect(none.body.data).to.deep.equal({ success: true, disabledCount: 9 });
    expect((await storedToolSettings(s)).disabledTools).to.have.length(9);
    await s.request('POST', '/api/skills/enable-all');
  });

  it('POST /reload reports the counts', async () => {
    const res = await s.request('POST', '/api/skills/reload');
    expect(res.body.data).to.deep.equal({ success: true, count: 9, enabled: 9, builtin: 9, custom: 0, mcp: 0 });
  });

  it('GET /mcp/servers lists the built-in pseudo server without the mcp module', async () => {
    const res = await s.request('GET', '/api/skills/mcp/servers');
    expect(res.body.data).to.deep.equal([{ name: 'builtin', type: 'builtin', enabled: true, status: 'connected', toolsCount: 9 }]);
    expect((await s.request('GET', '/api/skills/mcp/servers/builtin')).body.data.tools).to.have.length(9);
  });

  it('is for the master only: a group admin gets 403', async () => {
    const token = await s.loginAs({ groupId: '12345' });
    for (const path of ['/api/skills/tools', '/api/tools/list', '/api/skills/sse']) {
      const res = await s.request('GET', path, { token });
      expect(res.status, path).to.equal(403);
    }
  });
});
