/**
 * The original plugin's MCP server paths under /api/skills (docs/api.md#skills, docs/statistics.md#original-paths):
 * add, show, remove and reconnect act on the mcp module's servers — the same servers, checks, errors and
 * events as /api/mcp/servers —, need a token and the master, refuse bad input (the transport type too),
 * and answer 503 when no mcp module is loaded.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestServer } from '../../support/server.ts';
import { everything } from '../mcp/harness.ts';
import { startToolsKernel } from '../tools/harness.ts';
import { openSse, type SseClient } from './sse-client.ts';

type Operation = { deprecated?: boolean; summary?: string };

/** [method, path, deprecated (served only because the original had it)] */
const OPERATIONS: Array<[string, string, boolean]> = [
  ['POST', '/api/skills/mcp/servers', true],
  ['GET', '/api/skills/mcp/servers/{name}', false],
  ['DELETE', '/api/skills/mcp/servers/{name}', false],
  ['POST', '/api/skills/mcp/servers/{name}/reconnect', true],
];

const storedServers = async (s: TestServer) => JSON.parse(await readFile(path.join(s.dataDir, 'mcp-servers.json'), 'utf8')).servers;

describe('the original\'s MCP server paths under /api/skills (mcp module loaded)', function () {
  this.timeout(60_000);
  let s: TestServer;
  let sse: SseClient;
  before(async () => {
    s = await startToolsKernel({ extra: ['mcp'] });
    sse = await openSse(s);
    await sse.next('connected');
  });
  after(async () => {
    sse?.close();
    await s?.stop();
  });

  it('needs a token for every one of them', async () => {
    for (const [method, p] of OPERATIONS) {
      const res = await s.request(method, p.replace('{name}', 'everything'), { body: method === 'POST' && !p.endsWith('reconnect') ? { name: 'x', config: everything() } : undefined, token: null });
      expect([res.status, res.body?.code], `${method} ${p}`).to.deep.equal([401, 'UNAUTHORIZED']);
    }
    expect(await storedServers(s).catch(() => ({}))).to.deep.equal({});
  });

  it('POST /mcp/servers adds and connects a server through the mcp module: 201, stored, announced, listed by /api/mcp', async () => {
    sse.skip();
    const res = await s.request('POST', '/api/skills/mcp/servers', { body: { name: 'everything', config: everything() } });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.data).to.include({ name: 'everything', type: 'stdio', enabled: true, status: 'connected' });
    expect(res.body.data.tools.map((t: { name: string }) => t.name)).to.include('everything__echo');
    expect(res.text).not.to.include(process.execPath);
    expect((await sse.next('server-connecting')).data).to.include({ name: 'everything' });
    expect((await sse.next('server-connected', undefined, 30_000)).data.toolsCount).to.be.greaterThan(0);
    expect((await storedServers(s)).everything).to.include({ type: 'stdio', command: process.execPath });
    const mcp = await s.request('GET', '/api/mcp/servers/everything');
    expect(mcp.body.data).to.include({ name: 'everything', status: 'connected', toolsCount: res.body.data.toolsCount });
    const shown = await s.request('GET', '/api/skills/mcp/servers/everything');
    expect(shown.body.data).to.deep.equal(res.body.data);
  });

  it('POST /mcp/servers refuses bad input with 400 naming the field, an unknown transport type included, and stores nothing', async () => {
    for (const [body, field] of [
      [{ name: 'ftp', config: { type: 'ftp', command: 'x' } }, 'body.config.type'],
      [{ name: 'ftp', type: 'ftp', url: 'ftp://example.com' }, 'body.type'],
      [{ config: everything() }, 'body.name'],
      [{ name: 'bad name', config: everything() }, 'body.name'],
      [{ name: 'nocfg', config: 'stdio' }, 'body.config'],
      [{ name: 'nourl', config: { type: 'http' } }, 'body.config.url'],
    ] as Array<[Record<string, unknown>, string]>) {
      const res = await s.request('POST', '/api/skills/mcp/servers', { body });
      expect([res.status, res.body.code], JSON.stringify(body)).to.deep.equal([400, 'VALIDATION_ERROR']);
      expect(res.body.details.map((d: { path: string }) => d.path), JSON.stringify(body)).to.include(field);
    }
    expect(Object.keys(await storedServers(s))).to.deep.equal(['everything']);
    const twice = await s.request('POST', '/api/skills/mcp/servers', { body: { name: 'everything', config: everything() } });
    expect([twice.status, twice.body.code]).to.deep.equal([409, 'SERVER_EXISTS']);
  });

  it('POST /mcp/servers/:name/reconnect reconnects through the mcp module and announces it', async () => {
    sse.skip();
    const res = await s.request('POST', '/api/skills/mcp/servers/everything/reconnect');
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data).to.include({ success: true, name: 'everything', status: 'connected' });
    await sse.next('server-reconnecting');
    await sse.next('server-reconnected', undefined, 30_000);
    const unknown = await s.request('POST', '/api/skills/mcp/servers/nope/reconnect');
    expect([unknown.status, unknown.body.code]).to.deep.equal([404, 'SERVER_NOT_FOUND']);
    const bad = await s.request('POST', '/api/skills/mcp/servers/bad%20name/reconnect');
    expect([bad.status, bad.body.code]).to.deep.equal([400, 'VALIDATION_ERROR']);
  });

  it('refuses a group admin (docs/http.md#secrets: a server that runs a command is for the master)', async () => {
    const groupToken = await s.loginAs({ groupId: '10001' });
    const res = await s.request('POST', '/api/skills/mcp/servers', { body: { name: 'sneaky', config: everything() }, token: groupToken });
    expect([res.status, res.body.code]).to.deep.equal([403, 'FORBIDDEN']);
    const remove = await s.request('DELETE', '/api/skills/mcp/servers/everything', { token: groupToken });
    expect(remove.status).to.equal(403);
    expect(Object.keys(await storedServers(s))).to.deep.equal(['everything']);
  });

  it('DELETE /mcp/servers/:name removes the server as the mcp module does; the pseudo server is a 400, an unknown one a 404', async () => {
    const builtin = await s.request('DELETE', '/api/skills/mcp/servers/builtin');
    expect([builtin.status, builtin.body.code]).to.deep.equal([400, 'VALIDATION_ERROR']);
    sse.skip();
    const res = await s.request('DELETE', '/api/skills/mcp/servers/everything');
    expect([res.status, res.body.data]).to.deep.equal([200, { success: true }]);
    expect((await sse.next('server-removed', (d) => d.name === 'everything')).data).to.include({ name: 'everything' });
    expect(await storedServers(s)).to.deep.equal({});
    expect((await s.request('GET', '/api/mcp/servers/everything')).status).to.equal(404);
    const again = await s.request('DELETE', '/api/skills/mcp/servers/everything');
    expect([again.status, again.body.code]).to.deep.equal([404, 'SERVER_NOT_FOUND']);
  });

  it('lists them in the OpenAPI document; the original-only ones (not in the documentation) as deprecated', async () => {
    const doc = (await s.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    for (const [method, p, deprecated] of OPERATIONS) {
      const op = doc.paths[p]?.[method.toLowerCase()];
      expect(op, `${method} ${p}`).to.not.equal(undefined);
      expect(op!.deprecated === true, `${method} ${p}`).to.equal(deprecated);
      expect(op!.summary, `${method} ${p}`).to.be.a('string').and.not.equal('');
    }
  });
});

describe('the original\'s MCP server paths under /api/skills without the mcp module', () => {
  let s: TestServer;
  before(async () => {
    s = await startToolsKernel();
  });
  after(async () => s?.stop());

  it('answers 503 MCP_UNAVAILABLE for changes, saying why, and still checks the input first', async () => {
    for (const [method, p, body] of [
      ['POST', '/api/skills/mcp/servers', { name: 'everything', config: everything() }],
      ['DELETE', '/api/skills/mcp/servers/everything', undefined],
      ['POST', '/api/skills/mcp/servers/everything/reconnect', undefined],
    ] as Array<[string, string, unknown]>) {
      const res = await s.request(method, p, { body });
      expect([res.status, res.body.code], `${method} ${p}`).to.deep.equal([503, 'MCP_UNAVAILABLE']);
      expect(res.body.error, `${method} ${p}`).to.include('mcp module is not loaded');
    }
    const bad = await s.request('POST', '/api/skills/mcp/servers', { body: { config: everything() } });
    expect([bad.status, bad.body.code]).to.deep.equal([400, 'VALIDATION_ERROR']);
  });
});
