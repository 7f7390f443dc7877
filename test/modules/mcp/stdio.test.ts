import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { alive, everything, startMcpKernel, waitFor, type McpKernel } from './harness.ts';

describe('mcp module: a stdio server (server-everything)', function () {
  this.timeout(30_000);
  let s: McpKernel;

  before(async () => {
    s = await startMcpKernel();
  });
  after(async () => {
    await s?.stop();
  });

  it('adds and connects a server, answering 201 with its tools, resources and prompts', async () => {
    const res = await s.request('POST', '/api/mcp/servers', { body: { name: 'everything', config: everything({ env: { MY_TOKEN: 'sk-abcdefghijklmnopqrstuvwxyz1234' } }) } });
    expect(res.status, res.text).to.equal(201);
    const d = res.body.data;
    expect(d).to.include({ name: 'everything', type: 'stdio', status: 'connected' });
    expect(d.pid).to.be.a('number');
    expect(alive(d.pid)).to.equal(true);
    const echo = d.tools.find((t: { name: string }) => t.name === 'echo');
    expect(echo).to.include({ registryName: 'everything__echo' });
    expect(echo.inputSchema.properties).to.have.property('message');
    expect(d.resources.length).to.be.greaterThan(0);
    expect(d.prompts.map((p: { name: string }) => p.name)).to.include('simple-prompt');
  });

  it('lists the server beside the builtin pseudo server', async () => {
    const res = await s.request('GET', '/api/mcp/servers');
    expect(res.status).to.equal(200);
    const names = res.body.data.map((x: { name: string }) => x.name);
    expect(names).to.deep.equal(['builtin', 'everything']);
    const ev = res.body.data[1];
    expect(ev).to.include({ status: 'connected', type: 'stdio' });
    expect(ev.toolsCount).to.be.greaterThan(5);
    expect(ev.connectedAt).to.be.a('number');
    expect(ev).to.not.have.property('config');
  });

  it('masks env values in responses and keeps the real value on disk (0600)', async () => {
    const res = await s.request('GET', '/api/mcp/servers/everything');
    expect(res.body.data.config.env).to.deep.equal({ MY_TOKEN: 'sk-****1234' });
    expect(res.text).to.not.include('abcdefghij');
    const file = path.join(s.dataDir, 'mcp-servers.json');
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored.servers.everything.env.MY_TOKEN).to.equal('sk-abcdefghijklmnopqrstuvwxyz1234');
    const { statSync } = await import('node:fs');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
  });

  it('calls a tool through the kernel registry', async () => {
    const res = await s.request('POST', '/api/mcp/servers/everything/tools/echo/call', { body: { args: { message: 'hello' } } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.content[0]).to.deep.equal({ type: 'text', text: 'Echo: hello' });
  });

  it('puts the tools in the kernel registry as category mcp:<server>, callable from another module', async () => {
    const tools = (await s.request('GET', '/api/kernel-probe/tools')).body.data;
    const echo = tools.find((t: { name: string }) => t.name === 'everything__echo');
    expect(echo).to.include({ category: 'mcp:everything', owner: 'mcp' });
    expect(tools.filter((t: { category: string }) => t.category === 'mcp:everything').length).to.be.greaterThan(5);
    const res = await s.request('POST', '/api/kernel-probe/tools/call', { body: { name: 'everything__echo', args: { message: 'via registry' } } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.content[0].text).to.equal('Echo: via registry');
  });

  it('checks tool arguments against the tool schema before the call (400 INVALID_ARGS)', async () => {
    const res = await s.request('POST', '/api/mcp/servers/everything/tools/echo/call', { body: { args: { message: 42 } } });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('INVALID_ARGS');
  });

  it('gives the server an env that keeps PATH and adds its own variables', async () => {
    const res = await s.request('POST', '/api/mcp/servers/everything/tools/get-env/call', { body: {} });
    expect(res.status, res.text).to.equal(200);
    const env = JSON.parse(res.body.data.content[0].text);
    expect(env.PATH).to.equal(process.env.PATH);
    expect(env.MY_TOKEN).to.equal('sk-abcdefghijklmnopqrstuvwxyz1234');
  });

  it('answers 404 TOOL_NOT_FOUND for a tool the server does not have', async () => {
    const res = await s.request('POST', '/api/mcp/servers/everything/tools/nope/call', { body: {} });
    expect(res.status).to.equal(404);
    expect(res.body.code).to.equal('TOOL_NOT_FOUND');
  });

  it('lists and reads resources', async () => {
    const all = await s.request('GET', '/api/mcp/resources');
    expect(all.status).to.equal(200);
    const first = all.body.data[0];
    expect(first).to.include({ serverName: 'everything' });
    const one = await s.request('GET', '/api/mcp/servers/everything/resources');
    expect(one.body.data.length).to.equal(all.body.data.length);
    const read = await s.request('POST', '/api/mcp/resources/read', { body: { serverName: 'everything', uri: first.uri } });
    expect(read.status, read.text).to.equal(200);
    expect(read.body.data.contents[0].uri).to.equal(first.uri);
    expect(read.body.data.contents[0].text).to.be.a('string').and.not.be.empty;
    const viaQuery = await s.request('GET', `/api/mcp/resources?server=everything&uri=${encodeURIComponent(first.uri)}`);
    expect(viaQuery.body.data).to.deep.equal(read.body.data);
  });

  it('answers 404 RESOURCE_NOT_FOUND for an unknown resource URI', async () => {
    const read = await s.request('POST', '/api/mcp/resources/read', { body: { serverName: 'everything', uri: 'demo://resource/static/document/nope.md' } });
    expect(read.status, read.text).to.equal(404);
    expect(read.body.code).to.equal('RESOURCE_NOT_FOUND');
  });

  it('lists and renders prompts', async () => {
    const all = await s.request('GET', '/api/mcp/prompts');
    expect(all.body.data.find((p: { name: string }) => p.name === 'args-prompt')).to.include({ serverName: 'everything' });
    const got = await s.request('POST', '/api/mcp/prompts/get', { body: { serverName: 'everything', name: 'args-prompt', args: { city: 'Berlin' } } });
    expect(got.status, got.text).to.equal(200);
    expect(JSON.stringify(got.body.data.messages)).to.include('Berlin');
    const bad = await s.request('POST', '/api/mcp/prompts/get', { body: { serverName: 'everything', name: 'no-such-prompt' } });
    expect(bad.status, bad.text).to.equal(404);
    expect(bad.body.code).to.equal('PROMPT_NOT_FOUND');
    const missingArg = await s.request('POST', '/api/mcp/prompts/get', { body: { serverName: 'everything', name: 'args-prompt' } });
    expect(missingArg.status, missingArg.text).to.equal(400);
    expect(missingArg.body.code).to.equal('INVALID_ARGS');
  });

  it('refuses a second connect with 409 ALREADY_CONNECTED', async () => {
    const res = await s.request('POST', '/api/mcp/servers/everything/connect');
    expect(res.status).to.equal(409);
    expect(res.body.code).to.equal('ALREADY_CONNECTED');
  });

  it('reconnects on request with a new process and announces it', async () => {
    const before = (await s.request('GET', '/api/mcp/servers/everything')).body.data.pid;
    const res = await s.request('POST', '/api/mcp/servers/everything/reconnect');
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.status).to.equal('connected');
    expect(res.body.data.pid).to.not.equal(before);
    expect(alive(before)).to.equal(false);
    const types = (await s.events()).map((e) => e.type);
    expect(types).to.include.members(['server-connecting', 'server-connected', 'server-reconnecting', 'server-reconnected', 'tools-reloaded']);
  });

  it('reconnects by itself, with a new process, after the server dies', async () => {
    const { pid } = (await s.request('GET', '/api/mcp/servers/everything')).body.data;
    process.kill(pid, 'SIGKILL');
    const back = await waitFor('the server to come back', async () => {
      const d = (await s.request('GET', '/api/mcp/servers/everything')).body.data;
      return d.status === 'connected' && d.pid !== pid ? d : undefined;
    });
    expect(alive(back.pid)).to.equal(true);
    const events = await s.events();
    const reconnecting = events.find((e) => e.type === 'server-reconnecting' && e.attempt === 1);
    expect(reconnecting).to.include({ server: 'everything' });
    expect(events.some((e) => e.type === 'server-reconnected' && e.attempt === 1)).to.equal(true);
    const call = await s.request('POST', '/api/mcp/servers/everything/tools/echo/call', { body: { args: { message: 'again' } } });
    expect(call.body.data.content[0].text).to.equal('Echo: again');
  });

  it('disconnects: the process is gone and the tools leave the registry', async () => {
    const { pid } = (await s.request('GET', '/api/mcp/servers/everything')).body.data;
    const res = await s.request('POST', '/api/mcp/servers/everything/disconnect');
    expect(res.status).to.equal(200);
    expect(res.body.data).to.include({ status: 'disconnected', toolsCount: 0 });
    expect(alive(pid)).to.equal(false);
    const tools = (await s.request('GET', '/api/kernel-probe/tools')).body.data;
    expect(tools.filter((t: { category: string }) => t.category === 'mcp:everything')).to.deep.equal([]);
    const call = await s.request('POST', '/api/mcp/servers/everything/tools/echo/call', { body: { args: { message: 'x' } } });
    expect(call.status).to.equal(409);
    expect(call.body.code).to.equal('NOT_CONNECTED');
  });

  it('connects again on request', async () => {
    const res = await s.request('POST', '/api/mcp/servers/everything/connect');
    expect(res.status, res.text).to.equal(200);
    expect(res.body.data.status).to.equal('connected');
  });

  it('reconnects the stored servers after a restart, and ends them on shutdown', async () => {
    const { pid } = (await s.request('GET', '/api/mcp/servers/everything')).body.data;
    await s.restart();
    expect(alive(pid)).to.equal(false);
    const back = await waitFor('connection after restart', async () => {
      const d = (await s.request('GET', '/api/mcp/servers/everything')).body.data;
      return d.status === 'connected' ? d : undefined;
    });
    expect(back.toolsCount).to.be.greaterThan(5);
  });

  it('deletes a server: process gone, 404 afterwards, removed on disk, server-removed published', async () => {
    const { pid } = (await s.request('GET', '/api/mcp/servers/everything')).body.data;
    const res = await s.request('DELETE', '/api/mcp/servers/everything');
    expect(res.status).to.equal(200);
    expect(alive(pid)).to.equal(false);
    expect((await s.request('GET', '/api/mcp/servers/everything')).status).to.equal(404);
    const stored = JSON.parse(await readFile(path.join(s.dataDir, 'mcp-servers.json'), 'utf8'));
    expect(stored.servers).to.deep.equal({});
    expect((await s.events()).some((e) => e.type === 'server-removed' && e.server === 'everything')).to.equal(true);
  });
});
