import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FILESYSTEM, startMcpKernel, type McpKernel } from './harness.ts';

describe('mcp module: registry management and bad input', function () {
  this.timeout(30_000);
  let s: McpKernel;
  let files: string;

  before(async () => {
    s = await startMcpKernel();
    files = await mkdtemp(path.join(tmpdir(), 'mcp-fs-'));
    await writeFile(path.join(files, 'note.txt'), 'remember the milk');
  });
  after(async () => {
    await s?.stop();
    if (files) await rm(files, { recursive: true, force: true });
  });

  const stored = async () => JSON.parse(await readFile(path.join(s.dataDir, 'mcp-servers.json'), 'utf8')).servers;
  const expect400 = (res: { status: number; body: any; text: string }, detailPath?: string) => {
    expect(res.status, res.text).to.equal(400);
    expect(res.body.code).to.equal('VALIDATION_ERROR');
    if (detailPath) expect(res.body.details.map((d: { path: string }) => d.path)).to.include(detailPath);
  };

  describe('POST /api/mcp/servers', () => {
    it('requires a name', async () => {
      expect400(await s.request('POST', '/api/mcp/servers', { body: { config: { command: 'x' } } }), 'body.name');
    });

    for (const bad of ['../etc', 'a/b', 'a__b', 'a_', '-a', 'with space', 'x'.repeat(65), '']) {
      it(`refuses the name ${JSON.stringify(bad.slice(0, 20))}`, async () => {
        expect400(await s.request('POST', '/api/mcp/servers', { body: { name: bad, config: { command: 'x', enabled: false } } }), 'body.name');
      });
    }

    it('refuses an unsupported type', async () => {
      const res = await s.request('POST', '/api/mcp/servers', { body: { name: 'x', config: { type: 'websocket', url: 'ws://x' } } });
      expect400(res, 'body.config.type');
      expect(res.body.details[0].message).to.match(/Unsupported server type/);
    });

    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['stdio without command', { type: 'stdio' }, 'body.config.command'],
      ['npm without package', { type: 'npm' }, 'body.config.package'],
      ['npm with an option as package', { type: 'npx', package: '--registry=http://evil' }, 'body.config.package'],
      ['http without url', { type: 'http' }, 'body.config.url'],
      ['sse with a file: url', { type: 'sse', url: 'file:///etc/passwd' }, 'body.config.url'],
      ['args that are not strings', { command: 'x', args: ['a', 1] }, 'body.config.args.1'],
      ['env values that are not strings', { command: 'x', env: { A: 1 } }, 'body.config.env.A'],
      ['a timeout below 100 ms', { command: 'x', timeout: 5 }, 'body.config.timeout'],
      ['a non-boolean autoReconnect', { command: 'x', autoReconnect: 'yes' }, 'body.config.autoReconnect'],
      ['a config that is not an object', 'x' as unknown as Record<string, unknown>, 'body.config'],
    ];
    for (const [what, config, detail] of cases) {
      it(`refuses ${what}`, async () => {
        expect400(await s.request('POST', '/api/mcp/servers', { body: { name: 'x', config } }), detail);
      });
    }

    it('refuses an env key __proto__ with 400', async () => {
      const res = await s.request('POST', '/api/mcp/servers', { raw: '{"name": "x", "config": {"command": "x", "env": {"__proto__": "x"}}}', headers: { 'content-type': 'application/json' } });
      expect(res.status, res.text).to.equal(400);
    });

    it('refuses the pseudo server names with 409', async () => {
      const res = await s.request('POST', '/api/mcp/servers', { body: { name: 'builtin', config: { command: 'x', enabled: false } } });
      expect(res.status).to.equal(409);
    });

    it('accepts the top-level form, stores a disabled server without connecting it', async () => {
      const res = await s.request('POST', '/api/mcp/servers', {
        body: { name: 'later', type: 'npm', package: '@scope/some-server', args: ['--api-key=abcdefghijklmnopqrstuvwxyz', '/srv'], enabled: false },
      });
      expect(res.status, res.text).to.equal(201);
      expect(res.body.data).to.include({ status: 'disconnected', enabled: false, type: 'npm' });
      expect(res.body.data.config.args).to.deep.equal(['--api-key=abc****wxyz', '/srv']);
      expect((await stored()).later).to.deep.include({ type: 'npm', package: '@scope/some-server', args: ['--api-key=abcdefghijklmnopqrstuvwxyz', '/srv'] });
    });

    it('lets only one of two concurrent adds of one name through', async () => {
      const body = { name: 'twin', command: 'x', enabled: false };
      const statuses = (await Promise.all([1, 2, 3].map(() => s.request('POST', '/api/mcp/servers', { body })))).map((r) => r.status).sort();
      expect(statuses).to.deep.equal([201, 409, 409]);
      expect((await s.request('DELETE', '/api/mcp/servers/twin')).status).to.equal(200);
    });

    it('refuses a duplicate name with 409 SERVER_EXISTS', async () => {
      const res = await s.request('POST', '/api/mcp/servers', { body: { name: 'later', command: 'x', enabled: false } });
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('SERVER_EXISTS');
    });
  });

  describe('PUT /api/mcp/servers/:name', () => {
    it('treats masked values as unchanged and stores new ones', async () => {
      const shown = (await s.request('GET', '/api/mcp/servers/later')).body.data.config;
      const res = await s.request('PUT', '/api/mcp/servers/later', { body: { config: { ...shown, env: { NEW_SECRET: 'n3w-value' } } } });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data.config.env).to.deep.equal({ NEW_SECRET: '****' });
      const after = (await stored()).later;
      expect(after.args[0]).to.equal('--api-key=abcdefghijklmnopqrstuvwxyz');
      expect(after.env).to.deep.equal({ NEW_SECRET: 'n3w-value' });
    });

    it('masks a URL with a token in its path, its query or its user info, and keeps it when written back masked', async () => {
      const url = 'https://bob:pa55-w0rd@mcp.example.com/sse/AbCd1234EfGh5678IjKl?api_key=k3y-0123456789abcdef&mode=fast';
      const secrets = ['pa55-w0rd', 'AbCd1234EfGh5678IjKl', 'k3y-0123456789abcdef'];
      expect((await s.request('POST', '/api/mcp/servers', { body: { name: 'tokened', type: 'sse', url, enabled: false } })).status).to.equal(201);
      const [one, all] = await Promise.all([s.request('GET', '/api/mcp/servers/tokened'), s.request('GET', '/api/mcp/servers')]);
      expect(one.body.data.config.url).to.equal('https://bob:****@mcp.example.com/sse/AbC****IjKl?api_key=k3y-****cdef&mode=fast');
      for (const answer of [one, all]) for (const secret of secrets) expect(answer.text).to.not.include(secret);

      // The panel's way: the shown config sent back with another query value.
      const shown = one.body.data.config;
      const put = await s.request('PUT', '/api/mcp/servers/tokened', { body: { config: { ...shown, url: shown.url.replace('fast', 'slow') } } });
      expect(put.status, put.text).to.equal(200);
      expect((await stored()).tokened.url).to.equal(url.replace('fast', 'slow'));
      for (const secret of secrets) expect(put.text).to.not.include(secret);

      // The stored credentials never go to another host, and a mask of something else is no value.
      for (const bad of [shown.url.replace('mcp.example.com', 'evil.example'), shown.url.replace('AbC****IjKl', 'XyZ****IjKl')]) {
        expect400(await s.request('PUT', '/api/mcp/servers/tokened', { body: { config: { ...shown, url: bad } } }), 'url');
      }
      expect((await stored()).tokened.url).to.equal(url.replace('fast', 'slow'));
      expect((await s.request('DELETE', '/api/mcp/servers/tokened')).status).to.equal(200);
    });

    it('validates the new config', async () => {
      expect400(await s.request('PUT', '/api/mcp/servers/later', { body: { config: { type: 'stdio' } } }), 'body.config.command');
      expect400(await s.request('PUT', '/api/mcp/servers/later', { body: { config: [] } }));
    });
  });

  describe('unknown servers and pseudo servers', () => {
    const routes: Array<[string, string]> = [
      ['GET', '/api/mcp/servers/nope'],
      ['PUT', '/api/mcp/servers/nope'],
      ['DELETE', '/api/mcp/servers/nope'],
      ['POST', '/api/mcp/servers/nope/connect'],
      ['POST', '/api/mcp/servers/nope/disconnect'],
      ['POST', '/api/mcp/servers/nope/reconnect'],
      ['GET', '/api/mcp/servers/nope/tools'],
      ['GET', '/api/mcp/servers/nope/resources'],
      ['POST', '/api/mcp/servers/nope/tools/echo/call'],
    ];
    for (const [method, route] of routes) {
      it(`${method} ${route} answers 404 SERVER_NOT_FOUND`, async () => {
        const res = await s.request(method, route, method === 'GET' ? {} : { body: method === 'PUT' ? { config: { command: 'x' } } : {} });
        expect(res.status, res.text).to.equal(404);
        expect(res.body.code).to.equal('SERVER_NOT_FOUND');
      });
    }

    it('answers 404 SERVER_NOT_FOUND for resources and prompts of an unknown server', async () => {
      const read = await s.request('POST', '/api/mcp/resources/read', { body: { serverName: 'nope', uri: 'x://y' } });
      expect(read.status).to.equal(404);
      const prompt = await s.request('POST', '/api/mcp/prompts/get', { body: { serverName: 'nope', name: 'p' } });
      expect(prompt.status).to.equal(404);
    });

    it('refuses names with path tricks in the URL: 400, or 404 when the path leaves the module', async () => {
      for (const name of ['a%00b', 'a__b', 'a%2Fb', '.env']) {
        expect400(await s.request('GET', `/api/mcp/servers/${name}`));
        expect400(await s.request('DELETE', `/api/mcp/servers/${name}`));
      }
      for (const name of ['..%2F..%2Fetc', '%2e%2e']) {
        const res = await s.request('DELETE', `/api/mcp/servers/${name}`);
        expect(res.status, res.text).to.be.oneOf([400, 404]);
        expect(res.body.success).to.equal(false);
      }
    });

    it('shows builtin, and refuses to delete, change, connect or disconnect it with 400', async () => {
      const get = await s.request('GET', '/api/mcp/servers/builtin');
      expect(get.status).to.equal(200);
      expect(get.body.data).to.include({ name: 'builtin', type: 'builtin', status: 'connected' });
      expect((await s.request('DELETE', '/api/mcp/servers/builtin')).status).to.equal(400);
      expect((await s.request('DELETE', '/api/mcp/servers/custom-tools')).status).to.equal(400);
      expect((await s.request('GET', '/api/mcp/servers/custom-tools')).status).to.equal(404);
      expect((await s.request('PUT', '/api/mcp/servers/builtin', { body: { config: { command: 'x' } } })).status).to.equal(400);
      expect((await s.request('POST', '/api/mcp/servers/builtin/connect')).status).to.equal(400);
      expect((await s.request('POST', '/api/mcp/servers/builtin/disconnect')).status).to.equal(400);
      expect((await s.request('POST', '/api/mcp/servers/builtin/reconnect')).status).to.equal(200);
    });
  });

  describe('resources and prompts routes', () => {
    it('need serverName and uri / name', async () => {
      expect400(await s.request('POST', '/api/mcp/resources/read', { body: { serverName: 'later' } }), 'body.uri');
      expect400(await s.request('POST', '/api/mcp/resources/read', { body: { uri: 'x://y' } }), 'body.serverName');
      expect400(await s.request('POST', '/api/mcp/prompts/get', { body: { serverName: 'later' } }), 'body.name');
      expect400(await s.request('POST', '/api/mcp/prompts/get', { body: { serverName: 'later', name: 'p', args: { n: 1 } } }), 'body.args.n');
      expect400(await s.request('GET', '/api/mcp/resources?server=later'), 'query.uri');
    });

    it('answer 409 NOT_CONNECTED for a disconnected server', async () => {
      const res = await s.request('POST', '/api/mcp/resources/read', { body: { serverName: 'later', uri: 'x://y' } });
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('NOT_CONNECTED');
    });
  });

  describe('POST /api/mcp/import', () => {
    it('refuses a body without an mcpServers object', async () => {
      expect400(await s.request('POST', '/api/mcp/import', { body: {} }), 'body.mcpServers');
      expect400(await s.request('POST', '/api/mcp/import', { body: { mcpServers: [] } }), 'body.mcpServers');
    });

    it('imports a Claude-Desktop config, inferring types, and reports each failure', async () => {
      const res = await s.request('POST', '/api/mcp/import', {
        body: {
          mcpServers: {
            files: { command: process.execPath, args: [FILESYSTEM, files] },
            web: { url: 'http://127.0.0.1:9/sse', disabled: true },
            pkg: { package: 'some-mcp-server', disabled: true },
            'bad name': { command: 'x' },
            nocommand: {},
            later: { command: 'x' },
          },
        },
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data).to.include({ success: 3, failed: 3, total: 6 });
      expect(res.body.data.errors.map((e: { name: string }) => e.name).sort()).to.deep.equal(['bad name', 'later', 'nocommand']);
      const all = await stored();
      expect(all.web).to.include({ type: 'sse', enabled: false });
      expect(all.pkg).to.include({ type: 'npm', package: 'some-mcp-server' });
      expect(all.files).to.include({ type: 'stdio' });
      expect(all).to.not.have.property('nocommand');
    });

    it('connected the imported filesystem server: its tools answer through the registry', async () => {
      const d = (await s.request('GET', '/api/mcp/servers/files')).body.data;
      expect(d.status).to.equal('connected');
      const res = await s.request('POST', '/api/mcp/servers/files/tools/read_text_file/call', { body: { args: { path: path.join(files, 'note.txt') } } });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data.content[0].text).to.equal('remember the milk');
      const outside = await s.request('POST', '/api/mcp/servers/files/tools/read_text_file/call', { body: { args: { path: '/etc/passwd' } } });
      expect(outside.body.data.isError).to.equal(true);
    });
  });

  describe('reconnect-all', () => {
    it('reconnects every enabled server and reports each outcome', async () => {
      const res = await s.request('POST', '/api/mcp/servers/reconnect-all');
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data.results.find((r: { name: string }) => r.name === 'files')).to.deep.equal({ name: 'files', status: 'connected' });
      expect(res.body.data.results.some((r: { name: string }) => r.name === 'later')).to.equal(false);
    });
  });

  describe('auth', () => {
    it('needs a token', async () => {
      const res = await s.request('GET', '/api/mcp/servers', { token: null });
      expect(res.status).to.equal(401);
    });

    it('refuses group admins', async () => {
      const token = await s.loginAs({ groupId: '12345' });
      const list = await s.request('GET', '/api/mcp/servers', { token });
      expect(list.status).to.equal(403);
      const add = await s.request('POST', '/api/mcp/servers', { token, body: { name: 'evil', command: '/bin/sh' } });
      expect(add.status).to.equal(403);
      expect(await stored()).to.not.have.property('evil');
    });
  });
});
