/**
 * The original plugin's tool paths (docs/api.md#tools, docs/statistics.md#original-paths): the legacy list
 * `tools.enabled`, the event probability, reload-all and the watcher answer as the original's did, need a
 * token, refuse bad input with a 4xx, announce tool-state changes on /api/skills/sse, and are deprecated
 * in the OpenAPI document.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestServer } from '../../support/server.ts';
import { everything } from '../mcp/harness.ts';
import { openSse, type SseClient } from '../skills/sse-client.ts';
import { startToolsKernel } from './harness.ts';

type Operation = { deprecated?: boolean; summary?: string };

/** [method, path, a valid body] of every operation added here. */
const OPERATIONS: Array<[string, string, unknown?]> = [
  ['GET', '/api/tools/enabled'],
  ['PUT', '/api/tools/enabled', { tools: ['calculate'] }],
  ['POST', '/api/tools/toggle/{name}', { enabled: true }],
  ['POST', '/api/tools/reload-all'],
  ['GET', '/api/tools/event-probability'],
  ['PUT', '/api/tools/event-probability', { probability: 0.4 }],
  ['GET', '/api/tools/watcher/status'],
  ['POST', '/api/tools/watcher/toggle', { enabled: true }],
];

const storedConfig = async (s: TestServer) => JSON.parse(await readFile(path.join(s.dataDir, 'config.json'), 'utf8'));

describe('the original\'s tool paths (docs/api.md#tools)', function () {
  this.timeout(30_000);
  let s: TestServer;
  let sse: SseClient;
  before(async () => {
    s = await startToolsKernel();
    sse = await openSse(s);
    await sse.next('connected');
  });
  after(async () => {
    sse?.close();
    await s?.stop();
  });

  it('needs a token for every one of them', async () => {
    for (const [method, p, body] of OPERATIONS) {
      const res = await s.request(method, p.replace('{name}', 'calculate'), { body, token: null });
      expect([res.status, res.body?.code], `${method} ${p}`).to.deep.equal([401, 'UNAUTHORIZED']);
    }
  });

  it('GET|PUT /enabled read and replace the legacy list tools.enabled, in config.json, announced as tools-reloaded', async () => {
    const empty = await s.request('GET', '/api/tools/enabled');
    expect([empty.status, empty.body.data]).to.deep.equal([200, []]);
    sse.skip();
    const put = await s.request('PUT', '/api/tools/enabled', { body: { tools: ['calculate', 'date_add'] } });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.data).to.deep.equal({ success: true, tools: ['calculate', 'date_add'] });
    expect((await sse.next('tools-reloaded')).data).to.include({ reason: 'legacy-enabled' });
    expect((await storedConfig(s)).tools.enabled).to.deep.equal(['calculate', 'date_add']);
    expect((await s.request('GET', '/api/tools/enabled')).body.data).to.deep.equal(['calculate', 'date_add']);
  });

  it('POST /toggle/:name adds and removes one name, independently of builtinTools', async () => {
    const off = await s.request('POST', '/api/tools/toggle/calculate', { body: { enabled: false } });
    expect([off.status, off.body.data]).to.deep.equal([200, { success: true, enabled: false }]);
    const on = await s.request('POST', '/api/tools/toggle/random_number', { body: { enabled: true } });
    expect(on.body.data).to.deep.equal({ success: true, enabled: true });
    expect((await s.request('GET', '/api/tools/enabled')).body.data).to.deep.equal(['date_add', 'random_number']);
    // The legacy list switches no tool: calculate stays available.
    const calc = (await s.request('GET', '/api/tools/calculate')).body.data;
    expect(calc).to.include({ enabled: true, available: true });
    expect((await storedConfig(s)).builtinTools?.disabledTools ?? []).to.deep.equal([]);
  });

  it('refuses bad input to the legacy list with 400 naming the field, and an unknown tool with 404', async () => {
    for (const [method, p, body, field] of [
      ['PUT', '/api/tools/enabled', { tools: 'calculate' }, 'body.tools'],
      ['PUT', '/api/tools/enabled', {}, 'body.tools'],
      ['PUT', '/api/tools/enabled', { tools: ['bad name!'] }, 'body.tools.0'],
      ['POST', '/api/tools/toggle/calculate', { enabled: 'yes' }, 'body.enabled'],
      ['POST', '/api/tools/toggle/calculate', {}, 'body.enabled'],
      ['POST', '/api/tools/toggle/bad%20name', { enabled: true }, 'params.name'],
    ] as Array<[string, string, unknown, string]>) {
      const res = await s.request(method, p, { body });
      expect([res.status, res.body.code], `${method} ${p} ${JSON.stringify(body)}`).to.deep.equal([400, 'VALIDATION_ERROR']);
      expect(res.body.details.map((d: { path: string }) => d.path), `${method} ${p}`).to.include(field);
    }
    const unknown = await s.request('POST', '/api/tools/toggle/no_such_tool', { body: { enabled: true } });
    expect([unknown.status, unknown.body.code]).to.deep.equal([404, 'TOOL_NOT_FOUND']);
    expect((await s.request('PUT', '/api/tools/enabled', { raw: '{"tools":', headers: { 'content-type': 'application/json' } })).status).to.equal(400);
  });

  it('GET|PUT /event-probability read the defaults and write a partial change to the events section', async () => {
    const initial = await s.request('GET', '/api/tools/event-probability');
    expect(initial.status, initial.text).to.equal(200);
    expect(initial.body.data).to.deep.equal({ enabled: true, probability: 0.5, enabledEvents: ['poke', 'reaction', 'groupIncrease'], eventProbabilities: {} });
    const put = await s.request('PUT', '/api/tools/event-probability', { body: { probability: 0.25, eventProbabilities: { poke: 1 } } });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.data).to.deep.equal({
      success: true,
      config: { enabled: true, probability: 0.25, enabledEvents: ['poke', 'reaction', 'groupIncrease'], eventProbabilities: { poke: 1 } },
    });
    expect((await storedConfig(s)).events).to.include({ probability: 0.25 });
    expect((await s.request('GET', '/api/tools/event-probability')).body.data.probability).to.equal(0.25);
  });

  it('refuses a bad event probability with 400 naming the field', async () => {
    for (const [body, field] of [
      [{ probability: 1.5 }, 'body.probability'],
      [{ probability: 'high' }, 'body.probability'],
      [{ enabled: 1 }, 'body.enabled'],
      [{ enabledEvents: 'poke' }, 'body.enabledEvents'],
      [{ eventProbabilities: { poke: -1 } }, 'body.eventProbabilities.poke'],
      [{ colour: 'red' }, 'body'],
      [{}, 'body'],
    ] as Array<[unknown, string]>) {
      const res = await s.request('PUT', '/api/tools/event-probability', { body });
      expect([res.status, res.body.code], JSON.stringify(body)).to.deep.equal([400, 'VALIDATION_ERROR']);
      expect(res.body.details.map((d: { path: string }) => d.path).join(' '), JSON.stringify(body)).to.include(field);
    }
    expect((await s.request('GET', '/api/tools/event-probability')).body.data.probability).to.equal(0.25);
  });

  it('POST /reload-all loads the JS tools again, reports the counts and announces tools-reloaded; without the mcp module it says so', async () => {
    const created = await s.request('POST', '/api/tools/js', { body: { name: 'echo_tool' } });
    expect(created.status, created.text).to.equal(201);
    sse.skip();
    const res = await s.request('POST', '/api/tools/reload-all');
    expect(res.status, res.text).to.equal(200);
    const total = (await s.request('GET', '/api/tools/list')).body.data.length;
    expect(res.body.data).to.include({ success: true, tools: total, servers: 0, mcp: null });
    expect(res.body.data.js).to.deep.equal({ loaded: 1, failed: 0 });
    expect(res.body.data.message).to.include('mcp module is not loaded');
    expect((await sse.next('tools-reloaded', (d) => d.reason === 'reload')).data).to.include({ count: total });
    const garbled = await s.request('POST', '/api/tools/reload-all', { raw: '{', headers: { 'content-type': 'application/json' } });
    expect(garbled.status).to.be.within(400, 499);
  });

  it('GET /watcher/status reports the kernel\'s hot reload of the tools module, with the tool counts', async () => {
    const res = await s.request('GET', '/api/tools/watcher/status');
    expect(res.status, res.text).to.equal(200);
    const status = res.body.data;
    expect(status).to.include({ enabled: true, watchCount: 1, jsToolsCount: 1, modularToolsCount: 9 });
    expect(status.watchPaths).to.have.length(1);
    expect(status.watchPaths[0].path).to.match(/modules[/\\]tools$/);
    expect(status.moduleReloads).to.be.a('number');
  });

  it('POST /watcher/toggle: on answers the status, off is a 409 that says why, bad input a 400', async () => {
    const on = await s.request('POST', '/api/tools/watcher/toggle', { body: { enabled: true } });
    expect(on.status, on.text).to.equal(200);
    expect(on.body.data).to.deep.equal((await s.request('GET', '/api/tools/watcher/status')).body.data);
    const off = await s.request('POST', '/api/tools/watcher/toggle', { body: { enabled: false } });
    expect([off.status, off.body.code]).to.deep.equal([409, 'WATCHER_ALWAYS_ON']);
    expect(off.body.error).to.include('hot reload');
    const bad = await s.request('POST', '/api/tools/watcher/toggle', { body: { enabled: 'off' } });
    expect([bad.status, bad.body.code]).to.deep.equal([400, 'VALIDATION_ERROR']);
    expect(bad.body.details[0].path).to.equal('body.enabled');
  });

  it('lists every one of them in the OpenAPI document as deprecated, with a summary', async () => {
    const doc = (await s.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    for (const [method, p] of OPERATIONS) {
      const op = doc.paths[p]?.[method.toLowerCase()];
      expect(op, `${method} ${p}`).to.not.equal(undefined);
      expect(op!.deprecated, `${method} ${p}`).to.equal(true);
      expect(op!.summary, `${method} ${p}`).to.be.a('string').and.not.equal('');
    }
    // The contract's own routes beside them stay current.
    expect(doc.paths['/api/tools/{name}'].get.deprecated).to.not.equal(true);
  });
});

describe('POST /api/tools/reload-all with the mcp module loaded', function () {
  this.timeout(60_000);
  let s: TestServer;
  before(async () => {
    s = await startToolsKernel({ extra: ['mcp'] });
  });
  after(async () => s?.stop());

  it('reconnects every MCP server through the mcp module and counts their tools', async () => {
    const added = await s.request('POST', '/api/mcp/servers', { body: { name: 'everything', config: everything() } });
    expect(added.status, added.text).to.equal(201);
    const firstPid = (await s.request('GET', '/api/mcp/servers/everything')).body.data.pid;
    const res = await s.request('POST', '/api/tools/reload-all');
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data).to.include({ success: true, servers: 1, tools: (await s.request('GET', '/api/tools/list')).body.data.length });
    expect(res.body.data.mcp).to.include({ total: 1, connected: 1, failed: 0 });
    expect(res.body.data.message).to.include('1 of 1 MCP servers reconnected');
    const after = (await s.request('GET', '/api/mcp/servers/everything')).body.data;
    expect(after.status).to.equal('connected');
    expect(after.pid, 'a new server process').to.not.equal(firstPid);
  });
});
