import { expect } from 'chai';
import type { TestServer } from '../../support/server.ts';
import { everything } from '../mcp/harness.ts';
import { startToolsKernel, storedToolSettings } from '../tools/harness.ts';
import { openSse, type SseClient } from './sse-client.ts';

describe('skills with an MCP server (mcp module loaded)', function () {
  this.timeout(60_000);
  let s: TestServer;
  let client: SseClient;
  before(async () => {
    s = await startToolsKernel({ extra: ['mcp'] });
    client = await openSse(s);
    await client.next('connected');
  });
  after(async () => {
    client?.close();
    await s?.stop();
  });

  it('forwards server-connecting and server-connected from POST /api/mcp/servers', async () => {
    const res = await s.request('POST', '/api/mcp/servers', { body: { name: 'everything', config: everything() } });
    expect(res.status, res.text).to.be.oneOf([200, 201]);
    expect((await client.next('server-connecting')).data).to.include({ name: 'everything' });
    const connected = await client.next('server-connected', undefined, 30_000);
    expect(connected.data.toolsCount).to.be.greaterThan(0);
  });

  it('lists the server\'s tools as the category mcp:<server>', async () => {
    const categories = (await s.request('GET', '/api/skills/categories')).body.data;
    const mcp = categories.find((c: { key: string }) => c.key === 'mcp:everything');
    expect(mcp).to.include({ name: 'MCP: everything', enabled: true });
    expect(mcp.tools.map((t: { name: string }) => t.name)).to.include('everything__echo');
    const bySource = (await s.request('GET', '/api/skills/tools/by-source')).body.data;
    expect(bySource.mcp.everything.count).to.equal(mcp.toolCount);
    expect(bySource.builtin.count).to.equal(9);
  });

  it('GET /api/skills/mcp/servers shows name, type, status and tool count, never the command', async () => {
    const res = await s.request('GET', '/api/skills/mcp/servers');
    const server = res.body.data.find((x: { name: string }) => x.name === 'everything');
    expect(server).to.include({ type: 'stdio', enabled: true, status: 'connected' });
    expect(server.toolsCount).to.be.greaterThan(0);
    const detail = await s.request('GET', '/api/skills/mcp/servers/everything');
    expect(detail.body.data.tools.map((t: { name: string }) => t.name)).to.include('everything__echo');
    expect(detail.text).not.to.include(process.execPath);
    expect(res.body.data[0]).to.include({ name: 'builtin', toolsCount: 9 });
  });

  it('runs an MCP tool through POST /api/skills/execute', async () => {
    client.skip();
    const res = await s.request('POST', '/api/skills/execute', { body: { toolName: 'everything__echo', args: { message: 'hi there' } } });
    expect(res.status).to.equal(200);
    expect(res.body.data.content[0].text).to.include('hi there');
    expect((await client.next('tool-executed')).data).to.include({ toolName: 'everything__echo', source: 'mcp', success: true });
  });

  it('toggles the MCP category like any other, in config.json', async () => {
    const off = await s.request('POST', '/api/skills/categories/mcp:everything/toggle', { body: { enabled: false } });
    expect(off.status, off.text).to.equal(200);
    expect((await storedToolSettings(s)).enabledCategories).to.have.members(['basic', 'utils', 'web']);
    const refused = await s.request('POST', '/api/skills/execute', { body: { toolName: 'everything__echo', args: { message: 'x' } } });
    expect(refused.body.data).to.include({ isError: true, code: 'TOOL_DISABLED' });
    await s.request('POST', '/api/skills/categories/mcp:everything/toggle', { body: { enabled: true } });
  });

  it('forwards server-reconnecting and server-reconnected', async () => {
    client.skip();
    const res = await s.request('POST', '/api/mcp/servers/everything/reconnect');
    expect(res.status, res.text).to.equal(200);
    await client.next('server-reconnecting');
    await client.next('server-reconnected', undefined, 30_000);
  });

  it('forwards server-error for a server that cannot start', async () => {
    client.skip();
    await s.request('POST', '/api/mcp/servers', { body: { name: 'broken', config: { command: '/nonexistent/mcp-server' } } });
    expect((await client.next('server-error', undefined, 30_000)).data).to.include({ name: 'broken' });
    await s.request('DELETE', '/api/mcp/servers/broken');
  });

  it('forwards server-removed, and the category goes away', async () => {
    client.skip();
    const res = await s.request('DELETE', '/api/mcp/servers/everything');
    expect(res.status, res.text).to.equal(200);
    expect((await client.next('server-removed', (d) => d.name === 'everything')).data).to.include({ name: 'everything' });
    const categories = (await s.request('GET', '/api/skills/categories')).body.data.map((c: { key: string }) => c.key);
    expect(categories).not.to.include('mcp:everything');
    const gone = await s.request('GET', '/api/skills/mcp/servers/everything');
    expect(gone.status).to.equal(404);
    expect(gone.body.code).to.equal('SERVER_NOT_FOUND');
  });
});
