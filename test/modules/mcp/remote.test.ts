import { expect } from 'chai';
import { startMcpKernel, waitFor, type McpKernel } from './harness.ts';
import { startRemoteServer, TOKEN, type RemoteServer } from './remote-server.ts';

describe('mcp module: remote servers (streamable HTTP and SSE)', function () {
  this.timeout(30_000);
  let s: McpKernel;
  let remote: RemoteServer;

  before(async () => {
    [s, remote] = await Promise.all([startMcpKernel(), startRemoteServer()]);
  });
  after(async () => {
    await s?.stop();
    await remote?.close();
  });

  for (const type of ['http', 'sse'] as const) {
    const name = `remote-${type}`;
    const path = type === 'http' ? '/mcp' : '/sse';

    it(`connects over ${type} with the configured headers and lists tools, resources and prompts`, async () => {
      const res = await s.request('POST', '/api/mcp/servers', { body: { name, config: { type, url: remote.url + path, headers: { Authorization: `Bearer ${TOKEN}` } } } });
      expect(res.status, res.text).to.equal(201);
      const d = res.body.data;
      expect(d).to.include({ status: 'connected', type, pid: null });
      expect(d.tools.map((t: { registryName: string }) => t.registryName)).to.deep.equal([`${name}__add`]);
      expect(d.resources).to.have.length(1);
      expect(d.prompts).to.have.length(1);
      expect(d.config.headers.Authorization).to.equal('Bea****6789');
      expect(res.text).to.not.include(TOKEN);
    });

    it(`calls a ${type} server's tool (a 2020-12 $schema in its input schema does not get in the way)`, async () => {
      const res = await s.request('POST', `/api/mcp/servers/${name}/tools/add/call`, { body: { args: { a: 2, b: 3 } } });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data.content).to.deep.equal([{ type: 'text', text: '5' }]);
      const bad = await s.request('POST', `/api/mcp/servers/${name}/tools/add/call`, { body: { args: { a: 'two' } } });
      expect(bad.status).to.equal(400);
      expect(bad.body.code).to.equal('INVALID_ARGS');
    });

    it(`reads a ${type} server's resource and renders its prompt`, async () => {
      const read = await s.request('POST', '/api/mcp/resources/read', { body: { serverName: name, uri: 'memo://greeting' } });
      expect(read.body.data.contents[0].text).to.equal('hello from remote');
      const prompt = await s.request('POST', '/api/mcp/prompts/get', { body: { serverName: name, name: 'greet', args: { who: 'Ada' } } });
      expect(prompt.body.data.messages[0].content.text).to.equal('Say hello to Ada');
    });
  }

  it('follows a server\'s tools/list_changed notification and publishes tools-reloaded', async () => {
    remote.addTool({ name: 'shout', description: 'Upper-cases text', inputSchema: { type: 'object', properties: { text: { type: 'string' } } }, run: (a) => String(a.text).toUpperCase() });
    await waitFor('the new tool', async () => {
      const d = (await s.request('GET', '/api/mcp/servers/remote-http/tools')).body.data;
      return d.some((t: { name: string }) => t.name === 'shout');
    });
    const res = await s.request('POST', '/api/mcp/servers/remote-http/tools/shout/call', { body: { args: { text: 'hi' } } });
    expect(res.body.data.content[0].text).to.equal('HI');
    expect((await s.events()).some((e) => e.type === 'tools-reloaded' && e.server === 'remote-http' && e.toolsCount === 2)).to.equal(true);
  });

  it('ends the streamable HTTP session on disconnect', async () => {
    const before = remote.sessions();
    const res = await s.request('POST', '/api/mcp/servers/remote-http/disconnect');
    expect(res.status).to.equal(200);
    expect(res.body.data).to.include({ status: 'disconnected', toolsCount: 0 });
    expect(remote.sessions()).to.equal(before - 1);
  });

  it('fails with 502 CONNECTION_FAILED when the headers are wrong', async () => {
    const res = await s.request('POST', '/api/mcp/servers', { body: { name: 'no-auth', config: { type: 'http', url: `${remote.url}/mcp`, timeout: 3000 } } });
    expect(res.status, res.text).to.equal(502);
    expect(res.body.code).to.equal('CONNECTION_FAILED');
  });

  it('accepts the nested {transport: {type, url}} form and keeps a masked header unchanged on update', async () => {
    const add = await s.request('POST', '/api/mcp/servers', {
      body: { name: 'nested', config: { transport: { type: 'http', url: `${remote.url}/mcp` }, headers: { Authorization: `Bearer ${TOKEN}` } } },
    });
    expect(add.status, add.text).to.equal(201);
    expect(add.body.data.config).to.not.have.property('transport');
    // The panel sends back what it was shown: the masked header must still authenticate.
    const put = await s.request('PUT', '/api/mcp/servers/nested', { body: { config: { ...add.body.data.config, timeout: 5000 } } });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.data).to.include({ status: 'connected' });
    expect(put.body.data.config.timeout).to.equal(5000);
  });
});
