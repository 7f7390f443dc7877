import { expect } from 'chai';
import { connect } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Reply, TestServer } from '../../support/server.ts';
import { startToolsKernel } from '../tools/harness.ts';

const KEY = 'mcp-parse-0123456789abcdef0123456789abcdef0123456789';

/**
 * A body the kernel refuses (RouteSpec.bodyErrors) is answered in JSON-RPC, as the MCP SDK's own
 * streamable-HTTP server transport answers it, not with the API's envelope that an MCP client cannot read.
 */
describe('exposed MCP server: bodies it cannot read are JSON-RPC errors', () => {
  let s: TestServer;
  let stream: ReadableStreamDefaultReader<Uint8Array>;
  let messagePath = '';
  before(async () => {
    s = await startToolsKernel({ extra: ['config', 'mcp-server'] });
    await s.request('PUT', '/api/config', { body: { 'mcp.server.enabled': true, 'mcp.server.apiKey': KEY } });
    // An SSE session, so that POST /mcp/message reaches the reading of its body.
    const res = await fetch(`${s.url}/mcp/sse`, { headers: { authorization: `Bearer ${KEY}` } });
    stream = res.body!.getReader();
    let text = '';
    while (!/\ndata: (\S+)/.test(text)) text += new TextDecoder().decode((await stream.read()).value);
    messagePath = /\ndata: (\S+)/.exec(text)![1];
  });
  after(async () => {
    await stream?.cancel();
    await s?.stop();
  });

  const post = (path: string, raw: string | undefined, headers: Record<string, string> = { 'content-type': 'application/json' }, key = KEY) =>
    s.request('POST', path, { raw, token: null, headers: { ...headers, authorization: `Bearer ${key}` } });

  const expectRpcError = (res: Reply, status: number, code: number, message: RegExp) => {
    expect(res.status, res.text).to.equal(status);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    expect(res.body).to.include({ jsonrpc: '2.0', id: null });
    expect(res.body).to.not.have.property('success');
    expect(res.body.error.code, res.text).to.equal(code);
    expect(res.body.error.message).to.match(message);
  };

  for (const route of ['/mcp', 'message']) {
    const path = () => (route === 'message' ? messagePath : route);

    it(`${route}: malformed, truncated and empty JSON are 400 -32700 Parse error`, async () => {
      expectRpcError(await post(path(), 'not json'), 400, -32700, /^Parse error: .*not valid JSON/);
      expectRpcError(await post(path(), '{"jsonrpc":"2.0","id":1,"method":"pi'), 400, -32700, /^Parse error/);
      expectRpcError(await post(path(), '   '), 400, -32700, /^Parse error/);
      expectRpcError(await post(path(), ''), 400, -32700, /^Parse error: the request body is empty/);
      // A bare POST (no type, no bytes), which the kernel does not parse at all.
      expectRpcError(await post(path(), undefined, {}), 400, -32700, /^Parse error: the request body is empty/);
    });

    it(`${route}: a body that is not JSON is 415 -32000, one over the limit 413 -32000, one nested too deep 400 -32600`, async () => {
      expectRpcError(await post(path(), '{"jsonrpc":"2.0","id":1,"method":"ping"}', { 'content-type': 'text/plain' }), 415, -32000, /Content-Type text\/plain is not accepted/);
      const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(1_100_000) } });
      expectRpcError(await post(path(), big), 413, -32000, /larger than 1mb/);
      expectRpcError(await post(path(), `${'['.repeat(100)}${']'.repeat(100)}`), 400, -32600, /^Invalid request: Request body/);
    });
  }

  it('an empty chunked body is a parse error too', async () => {
    const socket = connect(s.port, '127.0.0.1');
    socket.write(`POST /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`);
    let text = '';
    for await (const chunk of socket) text += chunk;
    expect(text).to.match(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).error.code).to.equal(-32700);
  });

  it('checks the key before telling a caller about its body', async () => {
    expectRpcError(await post('/mcp', 'not json', undefined, 'wrong'), 401, -32003, /API key/);
    expectRpcError(await post('/mcp', 'x', { 'content-type': 'text/plain' }, 'wrong'), 401, -32003, /API key/);
  });

  it('answers a valid request right after, and an SDK client still holds a session', async () => {
    const ping = await post('/mcp', '{"jsonrpc":"2.0","id":5,"method":"ping"}');
    expect(ping.status).to.equal(200);
    expect(ping.body).to.deep.equal({ jsonrpc: '2.0', id: 5, result: {} });
    const client = new Client({ name: 'parse-errors', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${KEY}` } } }));
    try {
      expect((await client.listTools()).tools).to.not.be.empty;
      expect(await client.ping()).to.deep.equal({});
    } finally {
      await client.close();
    }
  });

  it('leaves the API envelope on every other route (the answer is the route’s choice)', async () => {
    const res = await s.request('PUT', '/api/config', { raw: '{"basic":', headers: { 'content-type': 'application/json' } });
    expect(res.status).to.equal(400);
    expect(res.body).to.include({ success: false, code: 'INVALID_JSON' });
    const typed = await s.request('PUT', '/api/config', { raw: 'x', headers: { 'content-type': 'text/plain' } });
    expect(typed.status).to.equal(415);
    expect(typed.body).to.include({ success: false, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
