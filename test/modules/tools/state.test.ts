import { expect } from 'chai';
import type { TestServer } from '../../support/server.ts';
import { callTool, startToolsKernel, storedToolSettings } from './harness.ts';

const BUILTIN = ['calculate', 'date_add', 'date_diff', 'get_current_time', 'http_fetch', 'random_choice', 'random_number', 'text_transform', 'web_page_to_text'];

describe('tool state under /api/tools', () => {
  let s: TestServer;
  before(async () => {
    s = await startToolsKernel();
  });
  after(async () => {
    await s?.stop();
  });
  afterEach(async () => {
    const res = await s.request('PUT', '/api/tools/builtin/config', {
      body: { enabled: true, enabledCategories: null, allowedTools: [], disabledTools: [], dangerousTools: [], allowDangerous: false },
    });
    expect(res.status, res.text).to.equal(200);
  });

  const view = async (name: string) => (await s.request('GET', `/api/tools/${name}`)).body.data;

  describe('listings', () => {
    it('GET /api/tools/builtin/config answers the settings with defaults (first: no test has changed them yet)', async () => {
      const res = await s.request('GET', '/api/tools/builtin/config');
      expect(res.body.data).to.include({ enabled: true, allowDangerous: false, enabledCategories: null });
      expect(res.body.data.fetch).to.include({ allowPrivateNetwork: false, maxBytes: 1048576, timeoutMs: 10000 });
    });

    it('GET /api/tools/list lists every built-in tool with its schema and state', async () => {
      const res = await s.request('GET', '/api/tools/list');
      expect(res.status).to.equal(200);
      const names = res.body.data.map((t: { name: string }) => t.name);
      expect(names).to.include.members(BUILTIN);
      const calc = res.body.data.find((t: { name: string }) => t.name === 'calculate');
      expect(calc).to.include({ category: 'utils', source: 'builtin', owner: 'tools', enabled: true, available: true, dangerous: false });
      expect(calc.inputSchema.required).to.deep.equal(['expression']);
    });

    it('GET /api/tools filters by category and returns the categories', async () => {
      const res = await s.request('GET', '/api/tools?category=web');
      expect(res.body.data.tools.map((t: { name: string }) => t.name)).to.deep.equal(['http_fetch', 'web_page_to_text']);
      expect(res.body.data.categories.map((c: { key: string }) => c.key)).to.include.members(['basic', 'utils', 'web']);
    });

    it('GET /api/tools/builtin/categories gives names, icons, tools and the enabled flag', async () => {
      const res = await s.request('GET', '/api/tools/builtin/categories');
      const basic = res.body.data.find((c: { key: string }) => c.key === 'basic');
      expect(basic).to.include({ name: 'Basic', icon: 'Clock', toolCount: 3, enabled: true });
      expect(basic.tools.map((t: { name: string }) => t.name)).to.deep.equal(['date_add', 'date_diff', 'get_current_time']);
    });

    it('GET /api/tools/:name answers one tool, 404 TOOL_NOT_FOUND for an unknown one', async () => {
      expect((await view('get_current_time')).inputSchema.properties.timezone.type).to.equal('string');
      const res = await s.request('GET', '/api/tools/no_such_tool');
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal('TOOL_NOT_FOUND');
    });
  });

  describe('toggles', () => {
    it('disables a category in config.json and refuses its tools with 403 TOOL_DISABLED', async () => {
      const res = await s.request('POST', '/api/tools/builtin/category/toggle', { body: { category: 'utils', enabled: false } });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data).to.include({ success: true });
      expect(res.body.data.enabledCategories).to.have.members(['basic', 'web']);
      expect((await storedToolSettings(s)).enabledCategories).to.have.members(['basic', 'web']);
      const call = await callTool(s, 'calculate', { expression: '1' });
      expect(call.res.status).to.equal(403);
      expect(call.res.body.code).to.equal('TOOL_DISABLED');
      expect((await callTool(s, 'get_current_time')).res.status).to.equal(200);

      await s.request('POST', '/api/tools/builtin/category/toggle', { body: { category: 'utils', enabled: true } });
      expect((await storedToolSettings(s)).enabledCategories).to.have.members(['basic', 'utils', 'web']);
      expect((await callTool(s, 'calculate', { expression: '1' })).res.status).to.equal(200);
    });

    it('refuses to toggle an unknown category with 404', async () => {
      const res = await s.request('POST', '/api/tools/builtin/category/toggle', { body: { category: 'nope', enabled: false } });
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal('CATEGORY_NOT_FOUND');
    });

    it('disables one tool in disabledTools, and it stays disabled across a restart', async () => {
      const res = await s.request('POST', '/api/tools/builtin/tool/toggle', { body: { toolName: 'date_diff', enabled: false } });
      expect(res.body.data).to.deep.equal({ success: true, tool: 'date_diff', enabled: false, disabledTools: ['date_diff'] });
      expect((await storedToolSettings(s)).disabledTools).to.deep.equal(['date_diff']);
      await s.restart();
      s.token = await s.loginAs({});
      expect(await view('date_diff')).to.include({ enabled: false, available: false });
      expect((await callTool(s, 'date_diff', { from: '2024-01-01' })).res.body.code).to.equal('TOOL_DISABLED');
      const builtin = (await s.request('GET', '/api/tools/builtin')).body.data.map((t: { name: string }) => t.name);
      expect(builtin).not.to.include('date_diff');
      expect(builtin).to.include('date_add');
    });

    it('refuses to toggle an unknown tool with 404', async () => {
      const res = await s.request('POST', '/api/tools/builtin/tool/toggle', { body: { toolName: 'nope', enabled: false } });
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal('TOOL_NOT_FOUND');
    });

    it('disable-all writes every tool into disabledTools; enable-all clears it and enables every category', async () => {
      await s.request('POST', '/api/tools/builtin/category/toggle', { body: { category: 'web', enabled: false } });
      const off = await s.request('POST', '/api/tools/builtin/disable-all');
      expect(off.body.data).to.deep.equal({ success: true, disabledCount: BUILTIN.length });
      expect((await storedToolSettings(s)).disabledTools).to.have.members(BUILTIN);
      expect((await s.request('GET', '/api/tools/builtin')).body.data).to.deep.equal([]);

      const on = await s.request('POST', '/api/tools/builtin/enable-all');
      expect(on.body.data).to.deep.equal({ success: true, enabledCount: BUILTIN.length });
      const stored = await storedToolSettings(s);
      expect(stored.disabledTools).to.deep.equal([]);
      expect(stored.enabledCategories).to.have.members(['basic', 'utils', 'web']);
      expect(stored.enabled).to.equal(true);
    });

    it('concurrent toggles from both modules lose no update', async () => {
      const names = ['calculate', 'date_add', 'date_diff', 'get_current_time', 'random_choice', 'random_number'];
      const results = await Promise.all(names.map((name, i) => (i % 2
        ? s.request('POST', '/api/tools/builtin/tool/toggle', { body: { toolName: name, enabled: false } })
        : s.request('POST', `/api/skills/tools/${name}/toggle`, { body: { enabled: false } }))));
      for (const res of results) expect(res.status, res.text).to.equal(200);
      expect((await storedToolSettings(s)).disabledTools).to.have.members(names);
    });

    it('the master switch turns every built-in tool off', async () => {
      await s.request('PUT', '/api/tools/builtin/config', { body: { enabled: false } });
      expect(await view('calculate')).to.include({ enabled: false, reason: 'built-in tools are switched off' });
      expect((await callTool(s, 'calculate', { expression: '1' })).res.status).to.equal(403);
    });
  });

  describe('settings', () => {
    it('PUT /api/tools/builtin/config changes only the given keys and persists them', async () => {
      const res = await s.request('PUT', '/api/tools/builtin/config', { body: { allowedTools: ['calculate'], fetch: { timeoutMs: 5000 } } });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data.success).to.equal(true);
      expect(res.body.data.config).to.include({ enabled: true });
      expect(res.body.data.config.allowedTools).to.deep.equal(['calculate']);
      const stored = await storedToolSettings(s);
      expect(stored.allowedTools).to.deep.equal(['calculate']);
      expect(stored.fetch).to.include({ timeoutMs: 5000, maxBytes: 1048576 });
    });

    it('allowedTools, when not empty, is the only list that can be called', async () => {
      await s.request('PUT', '/api/tools/builtin/config', { body: { allowedTools: ['calculate'] } });
      expect((await callTool(s, 'calculate', { expression: '1' })).res.status).to.equal(200);
      const other = await callTool(s, 'get_current_time');
      expect(other.res.status).to.equal(403);
      expect(other.res.body.error).to.include('allowedTools');
    });

    it('enabledCategories null enables every category again', async () => {
      await s.request('PUT', '/api/tools/builtin/config', { body: { enabledCategories: ['basic'] } });
      expect((await view('calculate')).enabled).to.equal(false);
      await s.request('PUT', '/api/tools/builtin/config', { body: { enabledCategories: null } });
      expect((await view('calculate')).enabled).to.equal(true);
    });
  });

  describe('dangerous tools', () => {
    it('a tool flagged dangerous needs the explicit opt-in allowDangerous', async () => {
      const flag = await s.request('POST', '/api/tools/dangerous/toggle', { body: { toolName: 'random_number', isDangerous: true } });
      expect(flag.body.data).to.deep.equal({ success: true, toolName: 'random_number', isDangerous: true, dangerousTools: ['random_number'] });
      const refused = await callTool(s, 'random_number');
      expect(refused.res.status).to.equal(403);
      expect(refused.res.body.code).to.equal('TOOL_DISABLED');

      const optIn = await s.request('PUT', '/api/tools/dangerous', { body: { allowDangerous: true } });
      expect(optIn.body.data).to.deep.equal({ success: true, dangerousTools: ['random_number'], allowDangerous: true });
      expect((await storedToolSettings(s)).allowDangerous).to.equal(true);
      expect((await callTool(s, 'random_number')).res.status).to.equal(200);

      const list = await s.request('GET', '/api/tools/dangerous');
      expect(list.body.data).to.include({ allowDangerous: true });
      expect(list.body.data.tools.find((t: { name: string }) => t.name === 'random_number').isDangerous).to.equal(true);
    });
  });

  describe('POST /api/tools/test', () => {
    it('runs a tool with the panel field names and reports duration and success', async () => {
      const res = await s.request('POST', '/api/tools/test', { body: { toolName: 'calculate', arguments: { expression: '6*7' } } });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ toolName: 'calculate', success: true });
      expect(res.body.data.arguments).to.deep.equal({ expression: '6*7' });
      expect(JSON.parse(res.body.data.result.content[0].text).result).to.equal(42);
      expect(res.body.data.duration).to.be.a('number');
    });

    it('answers 404 TOOL_NOT_FOUND for an unknown tool', async () => {
      const res = await s.request('POST', '/api/tools/test', { body: { toolName: 'nope' } });
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal('TOOL_NOT_FOUND');
    });
  });

  describe('reload', () => {
    for (const path of ['/api/tools/reload', '/api/tools/refresh', '/api/tools/builtin/refresh']) {
      it(`POST ${path} reports the counts`, async () => {
        const res = await s.request('POST', path);
        expect(res.body.data).to.include({ success: true, count: BUILTIN.length, builtin: BUILTIN.length, mcp: 0 });
      });
    }
  });
});
