import { expect } from 'chai';
import { startServer, type TestServer } from '../../support/server.ts';
import { everything } from './harness.ts';

// With every module loaded: an MCP server's tools are called through the tools module like any other.
describe('mcp module with the tools module: POST /api/tools/call', function () {
  this.timeout(30_000);
  let s: TestServer;

  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  it('calls an MCP tool by its registry name, and refuses bad arguments with 400 INVALID_ARGS', async () => {
    const add = await s.request('POST', '/api/mcp/servers', { body: { name: 'ev', config: everything() } });
    expect(add.status, add.text).to.equal(201);
    const res = await s.request('POST', '/api/tools/call', { body: { name: 'ev__echo', args: { message: 'through tools' } } });
    expect(res.status, res.text).to.equal(200);
    expect(res.text).to.include('Echo: through tools');
    const bad = await s.request('POST', '/api/tools/call', { body: { name: 'ev__echo', args: { message: 1 } } });
    expect(bad.status, bad.text).to.equal(400);
    expect(bad.body.code).to.equal('INVALID_ARGS');
  });

  it('no longer finds the tool once the server is disconnected', async () => {
    expect((await s.request('POST', '/api/mcp/servers/ev/disconnect')).status).to.equal(200);
    const res = await s.request('POST', '/api/tools/call', { body: { name: 'ev__echo', args: { message: 'x' } } });
    expect(res.status, res.text).to.equal(404);
    expect(res.body.code).to.equal('TOOL_NOT_FOUND');
  });
});
