import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alive, EVERYTHING, FIXTURES, startMcpKernel, waitFor, type McpKernel } from './harness.ts';

describe('mcp module: process lifecycle, timeouts and failures', function () {
  this.timeout(30_000);
  let s: McpKernel;
  let tmp: string;

  before(async () => {
    s = await startMcpKernel();
    tmp = await mkdtemp(path.join(tmpdir(), 'mcp-pids-'));
  });
  after(async () => {
    await s?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  const pidsOf = async (file: string) => (await readFile(file, 'utf8')).split(' ').map(Number);
  const wrapped = (pidFile: string) => ({
    type: 'stdio',
    command: process.execPath,
    args: [path.join(FIXTURES, 'wrapper-server.mjs'), EVERYTHING, 'stdio'],
    env: { PID_FILE: pidFile },
  });

  it('ends the whole process tree on disconnect, even a grandchild that ignores SIGTERM', async () => {
    const pidFile = path.join(tmp, 'tree-1');
    const res = await s.request('POST', '/api/mcp/servers', { body: { name: 'tree', config: wrapped(pidFile) } });
    expect(res.status, res.text).to.equal(201);
    const wrapper = res.body.data.pid;
    const [server, sleeper] = await pidsOf(pidFile);
    expect([wrapper, server, sleeper].map(alive)).to.deep.equal([true, true, true]);
    const off = await s.request('POST', '/api/mcp/servers/tree/disconnect');
    expect(off.status).to.equal(200);
    expect([wrapper, server, sleeper].map(alive)).to.deep.equal([false, false, false]);
  });

  it('answers 504 TIMEOUT for a server that never answers, keeps it with status error, and ends its process', async () => {
    const pidFile = path.join(tmp, 'silent');
    const started = Date.now();
    const res = await s.request('POST', '/api/mcp/servers', {
      body: { name: 'silent', config: { command: process.execPath, args: [path.join(FIXTURES, 'silent-server.mjs')], env: { PID_FILE: pidFile }, timeout: 2000 } },
    });
    expect(res.status, res.text).to.equal(504);
    expect(res.body.code).to.equal('TIMEOUT');
    expect(Date.now() - started).to.be.lessThan(6000);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(alive(pid)).to.equal(false);
    const list = (await s.request('GET', '/api/mcp/servers')).body.data;
    const silent = list.find((x: { name: string }) => x.name === 'silent');
    expect(silent).to.include({ status: 'error' });
    expect(silent.error).to.match(/2000 ms/);
    expect((await s.events()).some((e) => e.type === 'server-error' && e.server === 'silent')).to.equal(true);
  });

  it('answers 502 CONNECTION_FAILED for a command that does not exist, and keeps the server with status error', async () => {
    const res = await s.request('POST', '/api/mcp/servers', { body: { name: 'missing', config: { command: '/nonexistent/mcp-server' } } });
    expect(res.status, res.text).to.equal(502);
    expect(res.body.code).to.equal('CONNECTION_FAILED');
    expect(res.body.error).to.include('ENOENT');
    const d = (await s.request('GET', '/api/mcp/servers/missing')).body.data;
    expect(d).to.include({ status: 'error' });
  });

  it('answers 502 CONNECTION_FAILED, with its stderr as a hint, for a server that exits at once', async () => {
    const res = await s.request('POST', '/api/mcp/servers', {
      body: { name: 'crasher', config: { command: process.execPath, args: ['-e', 'console.error("no config file found"); process.exit(3)'] } },
    });
    expect(res.status, res.text).to.equal(502);
    expect(res.body.code).to.equal('CONNECTION_FAILED');
    expect(res.body.error).to.include('no config file found');
  });

  it('stops retrying after maxReconnectAttempts and reports the error', async () => {
    const pidFile = path.join(tmp, 'flaky');
    const res = await s.request('POST', '/api/mcp/servers', {
      body: { name: 'flaky', config: { command: process.execPath, args: [path.join(FIXTURES, 'wrapper-server.mjs'), EVERYTHING, 'stdio'], env: { PID_FILE: pidFile }, maxReconnectAttempts: 0 } },
    });
    expect(res.status, res.text).to.equal(201);
    const [server, sleeper] = await pidsOf(pidFile);
    process.kill(server, 'SIGKILL');
    const d = await waitFor('the error status', async () => {
      const x = (await s.request('GET', '/api/mcp/servers/flaky')).body.data;
      return x.status === 'error' ? x : undefined;
    });
    expect(d.toolsCount).to.equal(0);
    // The wrapper died with its server; the rest of its group goes too.
    await waitFor('the orphaned grandchild to be ended', () => !alive(sleeper), 5000);
    expect(existsSync(pidFile)).to.equal(true);
  });
  it('follows mcp.enabled: off ends every server, on connects them again, and at start off means none', async () => {
    const pids = async () => [(await s.request('GET', '/api/mcp/servers/tree')).body.data.pid, ...(await pidsOf(path.join(tmp, 'tree-1')))];
    expect((await s.request('POST', '/api/mcp/servers/tree/connect')).status).to.equal(200);
    const running = await pids();
    expect((await s.request('PUT', '/api/kernel-probe/config', { body: { mcp: { enabled: false } } })).status).to.equal(200);
    await waitFor('the tree to end with MCP off', () => running.every((pid) => !alive(pid)));
    expect((await s.request('GET', '/api/mcp/servers/tree')).body.data.status).to.equal('disconnected');
    await s.restart();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await s.request('GET', '/api/mcp/servers/tree')).body.data.status).to.equal('disconnected');
    expect((await s.request('PUT', '/api/kernel-probe/config', { body: { mcp: { enabled: true } } })).status).to.equal(200);
    await waitFor('the tree to connect with MCP on', async () => (await s.request('GET', '/api/mcp/servers/tree')).body.data.status === 'connected');
  });

  it('ends the tree when the module is unloaded (disabled in plugins.json)', async () => {
    const pids = [(await s.request('GET', '/api/mcp/servers/tree')).body.data.pid, ...(await pidsOf(path.join(tmp, 'tree-1')))];
    expect(pids.map(alive)).to.deep.equal([true, true, true]);
    const plugins = JSON.parse(await readFile(s.pluginsFile, 'utf8'));
    await writeFile(s.pluginsFile, JSON.stringify({ ...plugins, mcp: { enabled: false } }));
    await waitFor('the tree to end after unload', () => pids.every((pid) => !alive(pid)));
  });
});
