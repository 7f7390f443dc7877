import { expect } from 'chai';
import type { TestServer } from '../../support/server.ts';
import { startToolsKernel } from '../tools/harness.ts';
import { openSse, type SseClient } from './sse-client.ts';

describe('GET /api/skills/sse', () => {
  let s: TestServer;
  let client: SseClient;
  before(async () => {
    s = await startToolsKernel({ options: { skills: { heartbeatMs: 300 } } });
    client = await openSse(s);
  });
  after(async () => {
    client?.close();
    await s?.stop();
  });

  it('opens an event stream and sends "connected" as an unnamed frame carrying its type', async () => {
    expect(client.status).to.equal(200);
    expect(client.contentType).to.match(/^text\/event-stream/);
    const frame = await client.next('connected');
    expect(frame.event).to.equal(undefined);
    expect(frame.data.time).to.be.a('number');
  });

  it('sends named frames with ?named=1 and accepts ?token= (EventSource cannot set headers)', async () => {
    const named = await openSse(s, `?named=1&token=${s.token}`, {});
    try {
      expect(named.status).to.equal(200);
      const frame = await named.next('connected');
      expect(frame.event).to.equal('connected');
    } finally {
      named.close();
    }
  });

  it('refuses a client without a token', async () => {
    const res = await s.request('GET', '/api/skills/sse', { token: null });
    expect(res.status).to.equal(401);
  });

  const cases: Array<[string, string, unknown, string, Record<string, unknown>, number?]> = [
    ['POST', '/api/tools/call', { name: 'calculate', args: { expression: '1+1' } }, 'tool-executed', { toolName: 'calculate', success: true }],
    ['POST', '/api/tools/test', { toolName: 'get_current_time', arguments: {} }, 'tool-executed', { toolName: 'get_current_time', success: true }],
    ['POST', '/api/tools/call', { name: 'get_current_time', args: { timezone: 'Bad/Zone' } }, 'tool-executed', { toolName: 'get_current_time', success: false }, 400],
    ['POST', '/api/skills/execute', { toolName: 'random_number', args: {} }, 'tool-executed', { toolName: 'random_number', success: true }],
    ['POST', '/api/skills/execute/batch', { calls: [{ name: 'calculate', args: { expression: '2' } }] }, 'batch-executed', { count: 1 }],
    ['POST', '/api/tools/builtin/category/toggle', { category: 'web', enabled: false }, 'category-toggled', { category: 'web', enabled: false }],
    ['POST', '/api/skills/categories/web/toggle', { enabled: true }, 'category-toggled', { category: 'web', enabled: true }],
    ['POST', '/api/tools/builtin/tool/toggle', { toolName: 'date_add', enabled: false }, 'tool-toggled', { tool: 'date_add', enabled: false }],
    ['POST', '/api/skills/tools/date_add/toggle', { enabled: true }, 'tool-toggled', { tool: 'date_add', enabled: true }],
    ['POST', '/api/tools/builtin/disable-all', undefined, 'tools-disabled-all', { disabledCount: 9 }],
    ['POST', '/api/tools/builtin/enable-all', undefined, 'tools-enabled-all', { enabledCount: 9 }],
    ['POST', '/api/skills/disable-all', undefined, 'tools-disabled-all', { disabledCount: 9 }],
    ['POST', '/api/skills/enable-all', undefined, 'tools-enabled-all', { enabledCount: 9 }],
    ['POST', '/api/tools/reload', undefined, 'tools-reloaded', { reason: 'reload', count: 9 }],
    ['POST', '/api/tools/refresh', undefined, 'tools-reloaded', { reason: 'reload' }],
    ['POST', '/api/tools/builtin/refresh', undefined, 'tools-reloaded', { reason: 'reload' }],
    ['POST', '/api/skills/reload', undefined, 'tools-reloaded', { reason: 'reload', count: 9 }],
    ['PUT', '/api/tools/builtin/config', { allowDangerous: false }, 'tools-reloaded', { reason: 'config' }],
    ['PUT', '/api/tools/dangerous', { allowDangerous: false }, 'tools-reloaded', { reason: 'dangerous' }],
    ['POST', '/api/tools/dangerous/toggle', { toolName: 'calculate', isDangerous: false }, 'tools-reloaded', { reason: 'dangerous' }],
    ['POST', '/api/tools/calculate/execute', { args: { expression: '3' } }, 'tool-executed', { toolName: 'calculate', success: true }],
    ['PUT', '/api/tools/date_add/toggle', { enabled: false }, 'tool-toggled', { tool: 'date_add', enabled: false }],
    ['PUT', '/api/tools/category/basic/toggle', { enabled: false }, 'category-toggled', { category: 'basic', enabled: false }],
    ['POST', '/api/tools/custom', { name: 'mine', handler: 'return 1;' }, 'tools-reloaded', { reason: 'custom' }, 201],
    ['PUT', '/api/tools/custom/mine', { handler: 'return 2;' }, 'tools-reloaded', { reason: 'custom' }],
    ['DELETE', '/api/tools/custom/mine', undefined, 'tools-reloaded', { reason: 'custom' }],
    ['POST', '/api/tools/js', { name: 'file_tool' }, 'tools-reloaded', { reason: 'js' }, 201],
    ['PUT', '/api/tools/js/file_tool', { source: 'export default { run() { return 1; } }' }, 'tools-reloaded', { reason: 'js' }],
    ['POST', '/api/tools/js/reload', undefined, 'tools-reloaded', { reason: 'js' }],
    ['DELETE', '/api/tools/js/file_tool', undefined, 'tools-reloaded', { reason: 'js' }],
  ];
  for (const [method, path, body, type, expected, status = 200] of cases) {
    it(`${method} ${path} sends "${type}"${status === 200 ? '' : ` (answering ${status})`}`, async () => {
      client.skip();
      const res = await s.request(method, path, { body });
      expect(res.status, res.text).to.equal(status);
      const frame = await client.next(type);
      expect(frame.data).to.include(expected);
      expect(frame.data.timestamp).to.be.a('number');
    });
  }

  it('sends a summary of tool-executed, without arguments or results', async () => {
    client.skip();
    await s.request('POST', '/api/tools/call', { body: { name: 'text_transform', args: { text: 'secret text', operation: 'uppercase' } } });
    const frame = await client.next('tool-executed');
    expect(frame.data).to.have.keys(['type', 'toolName', 'success', 'duration', 'source', 'caller', 'error', 'timestamp']);
  });

  it('sends nothing for a refused request', async () => {
    client.skip();
    const start = client.frames.length;
    await s.request('POST', '/api/tools/builtin/category/toggle', { body: { category: 'web' } });
    await s.request('POST', '/api/skills/tools/nope/toggle', { body: { enabled: false } });
    await s.request('POST', '/api/tools/call', { body: { name: 'nope' } });
    await s.request('POST', '/api/tools/reload');
    await client.next('tools-reloaded');
    expect(client.frames.slice(start).map((f) => f.data.type).filter((t) => t !== 'heartbeat')).to.deep.equal(['tools-reloaded']);
  });

  it('sends the named heartbeat event at the configured interval', async () => {
    client.skip();
    const first = await client.next('heartbeat', undefined, 2000);
    const second = await client.next('heartbeat', undefined, 2000);
    expect(second.data.time - first.data.time).to.be.within(150, 1500);
  });

  it('releases the listener when the client goes away', async () => {
    const extra = await openSse(s);
    await extra.next('connected');
    extra.close();
    // The server keeps serving the other client after this one left.
    client.skip();
    await s.request('POST', '/api/skills/reload');
    await client.next('tools-reloaded');
  });
});
