/**
 * The original plugin's system routes without a counterpart here (docs/statistics.md#original-paths): monitor,
 * version, server mode and restart answer what this server really is and does, need a master token,
 * refuse bad input with a 4xx, and are deprecated in the OpenAPI document.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT, startServer, type TestServer } from '../../support/server.ts';

/** [method, path, a valid body] */
const ROUTES: Array<[string, string, unknown?]> = [
  ['GET', '/api/system/monitor'],
  ['GET', '/api/system/version'],
  ['GET', '/api/system/server-mode'],
  ['PUT', '/api/system/server-mode', { sharePort: false }],
  ['POST', '/api/system/restart', { type: 'reload' }],
];

describe('the original plugin\'s system routes (docs/statistics.md#original-paths)', () => {
  let s: TestServer;
  let groupToken: string;
  before(async () => {
    s = await startServer({ modules: { real: ['auth', 'system'], fixtures: ['echo'] } });
    groupToken = await s.loginAs({ groupId: '10001' });
  });
  after(async () => s?.stop());

  it('answers each for the master only: 401 without a token, 403 for a group admin', async () => {
    for (const [method, p, body] of ROUTES) {
      expect((await s.request(method, p, { body })).status, `${method} ${p}`).to.equal(200);
      const anonymous = await s.request(method, p, { body, token: null });
      expect([anonymous.status, anonymous.body.code], `${method} ${p} without a token`).to.deep.equal([401, 'UNAUTHORIZED']);
      expect((await s.request(method, p, { body, token: groupToken })).status, `${method} ${p} as a group admin`).to.equal(403);
    }
  });

  it('marks every one deprecated in GET /api/openapi.json, with a summary', async () => {
    const doc = (await s.request('GET', '/api/openapi.json')).body;
    for (const [method, p] of ROUTES) {
      const op = doc.paths[p]?.[method.toLowerCase()];
      expect(op?.deprecated, `${method} ${p}`).to.equal(true);
      expect(op.summary, `${method} ${p}`).to.be.a('string').that.is.not.empty;
    }
  });

  describe('GET /api/system/monitor', () => {
    it('reports the kernel\'s own request counters: the rate of a young server counts every request since its start', async () => {
      const monitor = (await s.request('GET', '/api/system/monitor')).body.data;
      const status = (await s.request('GET', '/api/system/status')).body.data;
      // The status request is the one more the kernel counted.
      expect(monitor.api.requests.total).to.equal(status.requests.total - 1);
      expect(monitor.api.windowSeconds.rpm).to.be.below(60);
      expect(monitor.api.rpm).to.equal(monitor.api.requests.total);
      expect(monitor.api.rpm5).to.equal(Math.round((monitor.api.requests.total / 5) * 10) / 10);
      expect(monitor.api.avgLatency).to.equal(null);
      expect(monitor.api.tokensPerMinute).to.equal(null);
    });

    it('counts a 5xx answer against the success rate', async () => {
      const before = (await s.request('GET', '/api/system/monitor')).body.data.api;
      expect(before.requests.errors).to.equal(0);
      expect(before.successRate).to.equal(100);
      expect((await s.request('GET', '/api/echo/boom')).status).to.equal(500);
      const { requests, successRate } = (await s.request('GET', '/api/system/monitor')).body.data.api;
      const answered = requests.total - requests.inflight;
      expect(requests.errors).to.equal(1);
      expect(successRate).to.equal(Math.round(((answered - 1) / answered) * 1000) / 10).and.to.be.below(100);
    });

    it('reports the process\'s memory in MB and the machine\'s', async () => {
      const { memory, system } = (await s.request('GET', '/api/system/monitor')).body.data;
      expect(memory.rss).to.be.above(10).and.below(2048);
      expect(memory.heapUsed).to.be.above(0).and.at.most(memory.heapTotal);
      expect(memory.systemTotal).to.be.above(memory.systemFree);
      // The percentage is of the exact bytes, the MB figures beside it are rounded: one point apart at most.
      expect(memory.heapUsedPercent).to.be.closeTo(Math.round((memory.heapUsed / memory.heapTotal) * 100), 1);
      expect(system).to.include({ nodeVersion: process.version, platform: process.platform });
      expect(system.uptime).to.be.a('number');
    });
  });

  it('GET /api/system/version: the package version and the commit the server runs from', async () => {
    const data = (await s.request('GET', '/api/system/version')).body.data;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    expect(data).to.deep.equal({
      version: JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version,
      commitId: git('rev-parse', 'HEAD'),
      commitTime: git('log', '-1', '--format=%cI'),
      branch: git('branch', '--show-current') || null,
      nodejs: process.version,
      platform: process.platform,
    });
  });

  describe('/api/system/server-mode', () => {
    it('GET tells the truth: standalone on the port it answered on, no process restart', async () => {
      const data = (await s.request('GET', '/api/system/server-mode')).body.data;
      expect(data).to.deep.equal({ isTRSS: false, sharePortEnabled: false, currentMode: 'standalone', port: s.port, canRestart: false });
    });

    it('PUT accepts the standalone mode it runs, refuses the shared port with 409, and bad input with 400', async () => {
      const ok = await s.request('PUT', '/api/system/server-mode', { body: { sharePort: false } });
      expect(ok.body.data).to.include({ currentMode: 'standalone', needRestart: false });
      const shared = await s.request('PUT', '/api/system/server-mode', { body: { sharePort: true } });
      expect([shared.status, shared.body.code]).to.deep.equal([409, 'SHARED_PORT_UNSUPPORTED']);
      expect(shared.body.error).to.match(/own HOST:PORT/);
      for (const body of [{ sharePort: 'yes' }, {}, { sharePort: false, port: 1 }]) {
        const bad = await s.request('PUT', '/api/system/server-mode', { body });
        expect([bad.status, bad.body.code], JSON.stringify(body)).to.deep.equal([400, 'VALIDATION_ERROR']);
        expect(JSON.stringify(bad.body.details), JSON.stringify(body)).to.match(/sharePort|port/);
      }
      expect((await s.request('PUT', '/api/system/server-mode', { raw: '{"sharePort":', headers: { 'content-type': 'application/json' } })).status).to.equal(400);
    });
  });

  describe('POST /api/system/restart', () => {
    const reloadsOf = async () => new Map(((await s.request('GET', '/api/system/modules')).body.data as Array<{ name: string; reloads: number }>).map((m) => [m.name, m.reloads]));

    it('reloads every loaded module through the kernel, this one included, and keeps serving', async () => {
      const before = await reloadsOf();
      const res = await s.request('POST', '/api/system/restart', { body: {} });
      expect(res.status).to.equal(200);
      expect(res.body.data.type).to.equal('reload');
      const names = (res.body.data.modules as Array<{ name: string }>).map((m) => m.name).sort();
      expect(names).to.deep.equal(['auth', 'echo', 'system']);
      const after = await reloadsOf();
      for (const name of names) expect(after.get(name), name).to.equal(before.get(name)! + 1);
      for (const m of res.body.data.modules) expect(m, m.name).to.include({ status: 'loaded', reloads: after.get(m.name) });
      expect((await s.request('GET', '/api/echo/version')).status).to.equal(200);
      // No body at all is the original's default, a reload.
      expect((await s.request('POST', '/api/system/restart')).body.data.type).to.equal('reload');
    });

    it('refuses a full restart with 409 (no supervisor) and an unknown type with 400', async () => {
      const full = await s.request('POST', '/api/system/restart', { body: { type: 'full' } });
      expect([full.status, full.body.code]).to.deep.equal([409, 'FULL_RESTART_UNSUPPORTED']);
      const bad = await s.request('POST', '/api/system/restart', { body: { type: 'reboot' } });
      expect([bad.status, bad.body.code]).to.deep.equal([400, 'VALIDATION_ERROR']);
      expect(JSON.stringify(bad.body.details)).to.match(/type/);
    });
  });
});

describe('GET /api/system/version without git', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ modules: { real: ['auth', 'system'] }, env: { PATH: '/nonexistent' } });
  });
  after(async () => s?.stop());

  it('answers the git fields null', async () => {
    const res = await s.request('GET', '/api/system/version');
    expect(res.status).to.equal(200);
    expect(res.body.data).to.include({ commitId: null, commitTime: null, branch: null, nodejs: process.version });
  });
});
