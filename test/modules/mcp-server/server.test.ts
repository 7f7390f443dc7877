import { expect } from 'chai';
import { connect } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { eventually } from '../../support/modules.ts';
import type { TestServer } from '../../support/server.ts';
import { everything } from '../mcp/harness.ts';
import { startToolsKernel } from '../tools/harness.ts';

const KEY = 'mcp-0123456789abcdef0123456789abcdef0123456789abcdef';
const maskKeyOf = (key: string) => `mcp-****${key.slice(-4)}`;

describe('exposed MCP server (/mcp, docs/api.md#mcp-server)', () => {
  let s: TestServer;
  before(async () => {
    s = await startToolsKernel({ extra: ['system', 'config', 'mcp', 'mcp-server'] });
  });
  after(async () => {
    await s?.stop();
  });

  /** A request to /mcp with the MCP key (not the panel JWT). */
  const mcp = (method: string, path: string, body?: unknown, key: string | null = KEY) =>
    s.request(method, path, { body, token: null, headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('refuses every route while disabled (403 -32001), without a key (500 -32002) and with a wrong key (401 -32003)', async () => {
    const routes: Array<[string, string, unknown?]> = [['GET', '/mcp'], ['POST', '/mcp', { jsonrpc: '2.0', id: 1, method: 'ping' }], ['GET', '/mcp/sse'], ['POST', '/mcp/message?sessionId=x', {}]];
    const expectRefused = async (status: number, code: number, key?: string | null) => {
      for (const [method, path, body] of routes) {
        const res = await mcp(method, path, body, key);
        expect(res.status, `${method} ${path}`).to.equal(status);
        expect(res.body).to.deep.include({ jsonrpc: '2.0', id: null });
        expect(res.body.error.code).to.equal(code);
      }
    };
    await expectRefused(403, -32001);
    await s.request('PUT', '/api/config', { body: { 'mcp.server.enabled': true } });
    await expectRefused(500, -32002);
    await s.request('PUT', '/api/config', { body: { 'mcp.server.apiKey': KEY } });
    await expectRefused(401, -32003, null);
    await expectRefused(401, -32003, `${KEY}x`);
    // The panel's JWT is not the MCP key.
    expect((await s.request('GET', '/mcp')).status).to.equal(401);
  });

  it('answers its status with the key', async () => {
    const res = await mcp('GET', '/mcp');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ name: 'chatai-plugin', version: '1.0.0', protocolVersion: '2024-11-05', status: 'running' });
    expect(res.body.transports).to.deep.equal(['streamable-http', 'sse']);
    // What the tool switches leave available (the default set).
    expect(res.body.toolCount).to.equal((await s.request('GET', '/api/tools/list')).body.data.filter((t: { available: boolean }) => t.available).length);
  });

  it('serves an MCP SDK client over streamable HTTP: list and call tools, with JSON-RPC errors for bad calls', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${KEY}` } } }));
    try {
      expect(client.getServerVersion()).to.deep.equal({ name: 'chatai-plugin', version: '1.0.0' });
      const { tools } = await client.listTools();
      const calculate = tools.find((t) => t.name === 'calculate');
      expect(calculate?.inputSchema.required).to.deep.equal(['expression']);
      expect(tools.every((t) => typeof t.description === 'string')).to.equal(true);

      const result = await client.callTool({ name: 'calculate', arguments: { expression: '2 * (3 + 4)' } });
      expect(result.isError).to.equal(false);
      expect(JSON.parse((result.content as Array<{ text: string }>)[0].text)).to.include({ result: 14 });

      for (const [call, message] of [
        [{ name: 'no_such_tool', arguments: {} }, /Unknown tool: no_such_tool/],
        [{ name: 'calculate', arguments: { expression: 5 } }, /Arguments do not match/],
      ] as const) {
        const err = await client.callTool(call).then(() => null, (e: { code?: number; message: string }) => e);
        expect(err?.code, JSON.stringify(call)).to.equal(-32602);
        expect(err?.message).to.match(message);
      }
    } finally {
      await client.close();
    }
  });

  it('serves an MCP SDK client over the SSE transport, and counts its stream', async () => {
    const client = new Client({ name: 'test-sse', version: '1.0.0' });
    await client.connect(new SSEClientTransport(new URL(`${s.url}/mcp/sse`), { requestInit: { headers: { authorization: `Bearer ${KEY}` } } }));
    const settingsCount = async () => (await s.request('GET', '/api/config/mcp-server')).body.data.activeSessions;
    try {
      expect((await mcp('GET', '/mcp')).body.activeSessions).to.equal(1);
      expect(await settingsCount()).to.equal(1);
      const result = await client.callTool({ name: 'calculate', arguments: { expression: '6 * 7' } });
      expect(JSON.parse((result.content as Array<{ text: string }>)[0].text)).to.include({ result: 42 });
      expect((await client.listTools()).tools.map((t) => t.name)).to.include('calculate');
    } finally {
      await client.close();
    }
    await eventually(async () => (await settingsCount()) === 0, 3000, 'the settings to count the closed stream');
  });

  it('ends open SSE streams when the server is switched off or given a new key', async () => {
    const open = async (key: string) => {
      const res = await fetch(`${s.url}/mcp/sse`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).to.equal(200);
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('event: endpoint')) text += new TextDecoder().decode((await reader.read()).value);
      // In an object: a promise returned as it is would be awaited here.
      return {
        ended: (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return text;
            text += new TextDecoder().decode(value);
          }
        })(),
      };
    };
    const settings = async () => (await s.request('GET', '/api/config/mcp-server')).body.data;
    const first = await open(KEY);
    expect((await settings()).activeSessions).to.equal(1);
    await s.request('PUT', '/api/config/mcp-server', { body: { enabled: false } });
    expect(await first.ended).to.include('event: endpoint');
    expect((await mcp('GET', '/mcp/sse')).status).to.equal(403);
    await s.request('PUT', '/api/config/mcp-server', { body: { enabled: true } });

    const second = await open(KEY);
    await s.request('PUT', '/api/config', { body: { 'basic.debug': true } }); // another setting leaves it open
    expect((await settings()).activeSessions).to.equal(1);
    await s.request('PUT', '/api/config/mcp-server', { body: { apiKey: `${KEY.slice(0, -4)}0000` } });
    await second.ended;
    expect((await settings()).activeSessions).to.equal(0);
    await s.request('PUT', '/api/config/mcp-server', { body: { apiKey: KEY } });
  });

  it("reports a throwing tool as an isError result, and offers custom tools but not the MCP servers' own", async () => {
    expect((await s.request('POST', '/api/mcp/servers', { body: { name: 'ev', config: everything() } })).status).to.equal(201);
    const fromServers = (await s.request('GET', '/api/tools/list')).body.data.filter((t: { source: string }) => t.source === 'mcp').map((t: { name: string }) => t.name);
    expect(fromServers).to.not.be.empty;
    await s.request('POST', '/api/tools/custom', { body: { name: 'fails', handler: 'throw new Error("no luck")' } });
    await s.request('POST', '/api/tools/custom', { body: { name: 'doubles', handler: 'return { twice: args.n * 2 };', parameters: { type: 'object', properties: { n: { type: 'number' } } } } });
    const list = await mcp('POST', '/mcp', { jsonrpc: '2.0', id: 'l', method: 'tools/list' });
    const names = list.body.result.tools.map((t: { name: string }) => t.name);
    expect(names).to.include.members(['fails', 'doubles', 'calculate']);
    expect(names.filter((n: string) => fromServers.includes(n))).to.deep.equal([]);
    const failed = await mcp('POST', '/mcp', { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fails', arguments: {} } });
    expect(failed.body.result.isError).to.equal(true);
    expect(failed.body.result.content[0].text).to.match(/no luck/);
    const doubled = await mcp('POST', '/mcp', { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'doubles', arguments: { n: 21 } } });
    expect(JSON.parse(doubled.body.result.content[0].text)).to.deep.equal({ twice: 42 });
  });

  it('answers JSON-RPC itself: notifications 204, batches, unknown methods, bad requests, unknown sessions', async () => {
    const note = await mcp('POST', '/mcp', { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(note.status).to.equal(204);
    expect(note.text).to.equal('');
    expect((await mcp('POST', '/mcp', { jsonrpc: '2.0', method: 'initialized' })).status).to.equal(204);

    const batch = await mcp('POST', '/mcp', [{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', method: 'initialized' }, { jsonrpc: '2.0', id: 2, method: 'nope' }]);
    expect(batch.body).to.deep.equal([
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'Method not found: nope' } },
    ]);
    expect((await mcp('POST', '/mcp', { jsonrpc: '2.0', id: 7 })).body.error.code).to.equal(-32600);
    const tooMany = await mcp('POST', '/mcp', Array.from({ length: 51 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'ping' })));
    expect(tooMany.body.error).to.deep.equal({ code: -32600, message: 'Invalid request: a batch holds at most 50 messages, this one 51' });
    expect((await mcp('POST', '/mcp', 'ping')).body.error.code).to.equal(-32600);
    expect((await mcp('POST', '/mcp', { jsonrpc: '2.0', id: { no: 1 }, method: 'ping' })).body).to.deep.equal({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Invalid request: "id" must be a string or a number' },
    });
    expect((await mcp('POST', '/mcp', { jsonrpc: '2.0', id: 8, method: 'tools/call', params: {} })).body.error.code).to.equal(-32602);

    const unknown = await mcp('POST', '/mcp/message?sessionId=not-a-session', { jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.code).to.equal(-32000);
  });

  it('opens an SSE session whose endpoint takes messages (202) and answers them on the stream', async () => {
    const socket = connect(s.port, '127.0.0.1');
    socket.write(`GET /mcp/sse HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nAccept: text/event-stream\r\n\r\n`);
    let text = '';
    let arrived = () => {};
    socket.on('data', (d) => {
      text += d;
      arrived();
    });
    const until = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) resolve(match);
        };
        arrived = check;
        check();
      });
    try {
      const [, endpoint] = await until(/event: endpoint\ndata: (\S+)\n\n/);
      expect(endpoint).to.match(/^\/mcp\/message\?sessionId=[0-9a-f-]{36}$/);
      const posted = await mcp('POST', endpoint, { jsonrpc: '2.0', id: 'p1', method: 'ping' });
      expect(posted.status).to.equal(202);
      expect(posted.body).to.deep.equal({ status: 'accepted' });
      const [, data] = await until(/event: message\ndata: (.+)\n\n/);
      expect(JSON.parse(data)).to.deep.equal({ jsonrpc: '2.0', id: 'p1', result: {} });
      // A batch, as on POST /mcp: its replies come as one message.
      expect((await mcp('POST', endpoint, [{ jsonrpc: '2.0', id: 'b1', method: 'ping' }, { jsonrpc: '2.0', id: 'b2', method: 'ping' }])).status).to.equal(202);
      const [, batch] = await until(/event: message\ndata: (\[.+\])\n\n/);
      expect(JSON.parse(batch).map((r: { id: string }) => r.id)).to.deep.equal(['b1', 'b2']);

      // A new version of the module ends the old one's streams at once (the chunked body's last
      // chunk; the connection itself is kept alive), so that clients reconnect.
      expect((await s.request('POST', '/api/system/modules/mcp-server/reload')).status).to.equal(200);
      const started = Date.now();
      await until(/\r\n0\r\n\r\n$/);
      expect(Date.now() - started).to.be.below(2000);
      expect((await mcp('GET', '/mcp')).body.activeSessions).to.equal(0);
    } finally {
      socket.destroy();
    }
  });

  it('has its settings at /api/config/mcp-server: the key masked, a new one shown once when generated', async () => {
    const before = await s.request('GET', '/api/config/mcp-server');
    expect(before.body.data).to.deep.equal({ enabled: true, apiKey: 'mcp-****cdef', mcpEnabled: true, toolCount: (await mcp('GET', '/mcp')).body.toolCount, endpoint: '/mcp', activeSessions: 0 });

    const generated = await s.request('POST', '/api/config/mcp-server/generate-key');
    const fresh = generated.body.data.apiKey as string;
    expect(fresh).to.match(/^mcp-[0-9a-f]{48}$/);
    expect((await mcp('GET', '/mcp')).status).to.equal(401);
    expect((await mcp('GET', '/mcp', undefined, fresh)).status).to.equal(200);

    // The masked key sent back with a change keeps the key; enabled false closes the server.
    const put = await s.request('PUT', '/api/config/mcp-server', { body: { enabled: false, apiKey: maskKeyOf(fresh) } });
    expect(put.body.data).to.include({ enabled: false, apiKey: maskKeyOf(fresh) });
    expect((await mcp('GET', '/mcp', undefined, fresh)).status).to.equal(403);
    await s.request('PUT', '/api/config/mcp-server', { body: { enabled: true } });
    expect((await mcp('GET', '/mcp', undefined, fresh)).status).to.equal(200);
    expect((await s.request('PUT', '/api/config/mcp-server', { body: { enabled: 'yes' } })).status).to.equal(400);
    // A key travels as a Bearer token: whitespace in it would lock every client out.
    for (const apiKey of ['has space', ' ']) expect((await s.request('PUT', '/api/config/mcp-server', { body: { apiKey } })).status, apiKey).to.equal(400);
    expect((await s.request('PUT', '/api/config', { body: { 'mcp.server.apiKey': 'tab\tkey' } })).status).to.equal(400);
    expect((await s.request('GET', '/api/config/mcp-server', { token: null })).status).to.equal(401);
  });
});
