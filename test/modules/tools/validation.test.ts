import { expect } from 'chai';
import type { TestServer } from '../../support/server.ts';
import { startToolsKernel } from './harness.ts';

type Case = [method: string, path: string, body: unknown, status: number, code: string, detail?: string];

const TOOLS: Case[] = [
  ['GET', '/api/tools?source=plugin', undefined, 400, 'VALIDATION_ERROR', 'query.source'],
  ['GET', '/api/tools?category=a%20b', undefined, 400, 'VALIDATION_ERROR', 'query.category'],
  ['GET', '/api/tools/bad%20name', undefined, 400, 'VALIDATION_ERROR', 'params.name'],
  ['GET', '/api/tools/no_such_tool', undefined, 404, 'TOOL_NOT_FOUND'],
  ['PUT', '/api/tools/builtin/config', {}, 400, 'VALIDATION_ERROR'],
  ['PUT', '/api/tools/builtin/config', { enabled: 'yes' }, 400, 'VALIDATION_ERROR', 'body.enabled'],
  ['PUT', '/api/tools/builtin/config', { colour: 'red' }, 400, 'VALIDATION_ERROR', 'body.colour'],
  ['PUT', '/api/tools/builtin/config', { disabledTools: ['bad name!'] }, 400, 'VALIDATION_ERROR', 'body.disabledTools.0'],
  ['PUT', '/api/tools/builtin/config', { enabledCategories: 'web' }, 400, 'VALIDATION_ERROR', 'body.enabledCategories'],
  ['PUT', '/api/tools/builtin/config', { fetch: { maxBytes: 0 } }, 400, 'VALIDATION_ERROR', 'body.fetch.maxBytes'],
  ['PUT', '/api/tools/builtin/config', { fetch: { timeoutMs: 'soon' } }, 400, 'VALIDATION_ERROR', 'body.fetch.timeoutMs'],
  ['PUT', '/api/tools/builtin/config', { fetch: { allowedHosts: ['a/b'] } }, 400, 'VALIDATION_ERROR', 'body.fetch.allowedHosts.0'],
  ['PUT', '/api/tools/builtin/config', { fetch: { proxy: 'x' } }, 400, 'VALIDATION_ERROR', 'body.fetch.proxy'],
  ['POST', '/api/tools/builtin/category/toggle', { category: 'utils' }, 400, 'VALIDATION_ERROR', 'body.enabled'],
  ['POST', '/api/tools/builtin/category/toggle', { category: 7, enabled: true }, 400, 'VALIDATION_ERROR', 'body.category'],
  ['POST', '/api/tools/builtin/category/toggle', { category: 'nope', enabled: true }, 404, 'CATEGORY_NOT_FOUND'],
  ['POST', '/api/tools/builtin/tool/toggle', {}, 400, 'VALIDATION_ERROR', 'body.toolName'],
  ['POST', '/api/tools/builtin/tool/toggle', { toolName: 'calculate', enabled: 'false' }, 400, 'VALIDATION_ERROR', 'body.enabled'],
  ['PUT', '/api/tools/dangerous', {}, 400, 'VALIDATION_ERROR'],
  ['PUT', '/api/tools/dangerous', { allowDangerous: 'no' }, 400, 'VALIDATION_ERROR', 'body.allowDangerous'],
  ['POST', '/api/tools/dangerous/toggle', { toolName: 'calculate' }, 400, 'VALIDATION_ERROR', 'body.isDangerous'],
  ['POST', '/api/tools/call', {}, 400, 'VALIDATION_ERROR', 'body.name'],
  ['POST', '/api/tools/call', { name: '../../etc/passwd' }, 400, 'VALIDATION_ERROR', 'body.name'],
  ['POST', '/api/tools/call', { name: 'calculate', args: [1] }, 400, 'VALIDATION_ERROR', 'body.args'],
  ['POST', '/api/tools/call', { name: 'calculate', arguments: {} }, 400, 'VALIDATION_ERROR', 'body.arguments'],
  ['POST', '/api/tools/call', { name: 'nope' }, 404, 'TOOL_NOT_FOUND'],
  ['POST', '/api/tools/test', { arguments: {} }, 400, 'VALIDATION_ERROR', 'body.toolName'],
  ['POST', '/api/tools/test', { toolName: 'calculate', arguments: 'x' }, 400, 'VALIDATION_ERROR', 'body.arguments'],
  ['POST', '/api/tools/test', { toolName: 'calculate', arguments: { expression: 1 } }, 400, 'INVALID_ARGS', 'args.expression'],
  ['GET', '/api/tools/logs?limit=0', undefined, 400, 'VALIDATION_ERROR', 'query.limit'],
  ['GET', '/api/tools/logs?limit=many', undefined, 400, 'VALIDATION_ERROR', 'query.limit'],
  ['GET', '/api/tools/logs?offset=-1', undefined, 400, 'VALIDATION_ERROR', 'query.offset'],
  ['GET', '/api/tools/logs?success=maybe', undefined, 400, 'VALIDATION_ERROR', 'query.success'],
  ['DELETE', '/api/tools/list', undefined, 405, 'METHOD_NOT_ALLOWED'],
  ['POST', '/api/tools/calculate/execute', { args: 'x' }, 400, 'VALIDATION_ERROR', 'body.args'],
  ['POST', '/api/tools/calculate/execute', { expression: '1' }, 400, 'VALIDATION_ERROR', 'body.expression'],
  ['POST', '/api/tools/nope/execute', {}, 404, 'TOOL_NOT_FOUND'],
  ['PUT', '/api/tools/calculate/toggle', {}, 400, 'VALIDATION_ERROR', 'body.enabled'],
  ['PUT', '/api/tools/nope/toggle', { enabled: true }, 404, 'TOOL_NOT_FOUND'],
  ['PUT', '/api/tools/category/utils/toggle', { enabled: 'no' }, 400, 'VALIDATION_ERROR', 'body.enabled'],
  ['PUT', '/api/tools/category/nope/toggle', { enabled: true }, 404, 'CATEGORY_NOT_FOUND'],
];

const SKILLS: Case[] = [
  ['GET', '/api/skills/sse?named=maybe', undefined, 400, 'VALIDATION_ERROR', 'query.named'],
  ['POST', '/api/skills/sse', undefined, 405, 'METHOD_NOT_ALLOWED'],
  ['GET', '/api/skills/tools?includeMcp=no', undefined, 400, 'VALIDATION_ERROR', 'query.includeMcp'],
  ['GET', '/api/skills/tools/bad%20name/detail', undefined, 400, 'VALIDATION_ERROR', 'params.name'],
  ['GET', '/api/skills/search?limit=0', undefined, 400, 'VALIDATION_ERROR', 'query.limit'],
  ['GET', '/api/skills/search?source=plugin', undefined, 400, 'VALIDATION_ERROR', 'query.source'],
  ['POST', '/api/skills/execute', {}, 400, 'VALIDATION_ERROR', 'body.toolName'],
  ['POST', '/api/skills/execute', { toolName: 'calculate', args: 'x' }, 400, 'VALIDATION_ERROR', 'body.args'],
  ['POST', '/api/skills/execute/batch', {}, 400, 'VALIDATION_ERROR', 'body.calls'],
  ['POST', '/api/skills/execute/batch', { calls: [] }, 400, 'VALIDATION_ERROR', 'body.calls'],
  ['POST', '/api/skills/execute/batch', { calls: [{ args: {} }] }, 400, 'VALIDATION_ERROR', 'body.calls.0.name'],
  ['POST', '/api/skills/execute/batch', { calls: Array(51).fill({ name: 'calculate' }) }, 400, 'VALIDATION_ERROR', 'body.calls'],
  ['POST', '/api/skills/recommend', {}, 400, 'VALIDATION_ERROR', 'body.context'],
  ['POST', '/api/skills/recommend', { context: 'time', limit: 0 }, 400, 'VALIDATION_ERROR', 'body.limit'],
  ['POST', '/api/skills/categories/utils/toggle', {}, 400, 'VALIDATION_ERROR', 'body.enabled'],
  ['POST', '/api/skills/categories/utils/toggle', { enabled: 'true' }, 400, 'VALIDATION_ERROR', 'body.enabled'],
  ['POST', '/api/skills/categories/bad%20key/toggle', { enabled: true }, 400, 'VALIDATION_ERROR', 'params.key'],
  ['POST', '/api/skills/categories/nope/toggle', { enabled: true }, 404, 'CATEGORY_NOT_FOUND'],
  ['POST', '/api/skills/tools/calculate/toggle', { enabled: 1 }, 400, 'VALIDATION_ERROR', 'body.enabled'],
  ['POST', '/api/skills/tools/nope/toggle', { enabled: false }, 404, 'TOOL_NOT_FOUND'],
  ['GET', '/api/skills/mcp/servers/bad.name', undefined, 400, 'VALIDATION_ERROR', 'params.name'],
  ['GET', '/api/skills/mcp/servers/unknown', undefined, 404, 'SERVER_NOT_FOUND'],
];

describe('bad input on every tools and skills route', () => {
  let s: TestServer;
  before(async () => {
    s = await startToolsKernel();
  });
  after(async () => {
    await s?.stop();
  });

  for (const [method, path, body, status, code, detail] of [...TOOLS, ...SKILLS]) {
    it(`${method} ${path} ${body === undefined ? '' : JSON.stringify(body).slice(0, 60)} → ${status} ${code}`, async () => {
      const res = await s.request(method, path, { body });
      expect(res.status, res.text).to.equal(status);
      expect(res.body).to.include({ success: false, code });
      if (detail) expect(res.body.details.map((d: { path: string }) => d.path)).to.include(detail);
    });
  }

  it('answers 400 INVALID_JSON for a malformed body', async () => {
    for (const path of ['/api/tools/call', '/api/skills/execute']) {
      const res = await s.request('POST', path, { raw: '{"name": ', headers: { 'content-type': 'application/json' } });
      expect(res.status, path).to.equal(400);
      expect(res.body.code).to.equal('INVALID_JSON');
    }
  });

  it('answers 401 without a token', async () => {
    for (const [method, path] of [['GET', '/api/tools/list'], ['POST', '/api/tools/call'], ['GET', '/api/skills/status'], ['POST', '/api/skills/enable-all']]) {
      const res = await s.request(method, path, { token: null });
      expect(res.status, path).to.equal(401);
    }
  });

  it('changed nothing: the settings are still the defaults', async () => {
    const res = await s.request('GET', '/api/tools/builtin/config');
    expect(res.body.data).to.include({ enabled: true, allowDangerous: false, enabledCategories: null });
    expect(res.body.data.disabledTools).to.deep.equal([]);
  });
});
