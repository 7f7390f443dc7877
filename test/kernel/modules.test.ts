import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually, makeModulesDir, type ModulesDir } from '../support/modules.ts';
import { startServer, type TestServer } from '../support/server.ts';

const PLAIN_JS = `export default {
  routes(router) {
    router.get('/hello', (c) => { c.body = { hello: 'world' }; });
  },
};
`;

describe('modules and hot reload (docs/modules.md#hot-reload)', () => {
  let s: TestServer;
  let mods: ModulesDir;
  let pluginsFile: string;

  const version = async () => (await s.request('GET', '/api/echo/version')).body?.data?.version;
  const status = async (name: string) => ((await s.request('GET', '/api/system/modules')).body.data as Array<{ name: string }>).find((m) => m.name === name) as any;

  before(async () => {
    mods = await makeModulesDir({ fixtures: ['echo', 'ticker'] });
    pluginsFile = path.join(mods.dir, '..', `${path.basename(mods.dir)}-plugins.json`);
    await writeFile(pluginsFile, '{}');
    s = await startServer({ modulesDir: mods.dir, pluginsFile });
  });
  after(async () => {
    await s?.stop();
    await mods?.cleanup();
  });

  it('lists every module with status, prefix, load time and reload count', async () => {
    const echo = await status('echo');
    expect(echo).to.include({ name: 'echo', status: 'loaded', prefix: '/api/echo', reloads: 0 });
    expect(Date.parse(echo.loadedAt)).to.be.closeTo(Date.now(), 60_000);
  });

  it('serves a drop-in plain-JS module with no kernel import, at once', async () => {
    await mods.write('dropin/index.js', PLAIN_JS);
    const res = await eventually(async () => {
      const r = await s.request('GET', '/api/dropin/hello');
      return r.status === 200 && r;
    }, 3000, 'the drop-in module');
    expect(res.body).to.deep.equal({ success: true, data: { hello: 'world' } });
  });

  it('serves the change of a file the module imports, not only its entry', async () => {
    await mods.write('echo/version.ts', "export const VERSION: string = 'v2';");
    await eventually(async () => (await version()) === 'v2', 3000, 'v2');
    expect((await status('echo')).reloads).to.be.greaterThan(0);
  });

  it('serves a save that comes within 50 ms of the previous one (chokidar reports only the first)', async () => {
    // The second save lands while the first is being loaded, at delays around the 25 ms debounce.
    for (const delay of [20, 28, 36, 44]) {
      await mods.write('echo/version.ts', `export const VERSION: string = 'quick-${delay}-a';`);
      await new Promise((r) => setTimeout(r, delay));
      await mods.write('echo/version.ts', `export const VERSION: string = 'quick-${delay}-b';`);
      await eventually(async () => (await version()) === `quick-${delay}-b`, 3000, `quick-${delay}-b`);
    }
    await mods.write('echo/version.ts', "export const VERSION: string = 'v2';"); // as the next tests expect
    await eventually(async () => (await version()) === 'v2', 3000, 'v2');
  });

  it("does not let one module's public list open another module's routes", async () => {
    await mods.write('opener/index.js', "export default { prefix: '/api/echo', public: ['/version', '/zz'], routes(r) { r.get('/zz', (c) => { c.body = 'open'; }); } };");
    await eventually(async () => (await s.request('GET', '/api/echo/zz', { token: null })).status === 200, 3000, 'the opener module');
    expect((await s.request('GET', '/api/echo/version', { token: null })).status).to.equal(401);
    expect((await s.request('GET', '/api/echo/public', { token: null })).status).to.equal(200);
    expect((await s.request('GET', '/api/echo/version')).status).to.equal(200);
    expect(s.output()).to.include('module "opener" shares the prefix /api/echo with module "echo"');
    await mods.remove('opener');
    await eventually(async () => (await s.request('GET', '/api/echo/zz', { token: null })).status === 401, 3000, 'the opener module gone');
  });

  it('keeps the old version serving and reports failed on a syntax error', async () => {
    await mods.write('echo/version.ts', "export const VERSION: string = 'v3' +;");
    const failed = await eventually(async () => {
      const m = await status('echo');
      return m.status === 'failed' && m;
    }, 3000, 'failed status');
    expect(failed.error).to.match(/version\.ts:1/);
    expect(await version()).to.equal('v2');
    expect(s.output()).to.match(/module "echo".*version\.ts:1/);
    await mods.write('echo/version.ts', "export const VERSION: string = 'v3';");
    await eventually(async () => (await version()) === 'v3', 3000, 'recovery to v3');
    expect((await status('echo')).status).to.equal('loaded');
    expect((await status('echo')).error).to.equal(undefined);
  });

  it('keeps the old version serving when setup throws, and names the bad field of a wrong shape', async () => {
    await mods.write('dropin/index.js', `export default { setup() { throw new Error('setup exploded'); }, routes() {} };`);
    const failed = await eventually(async () => {
      const m = await status('dropin');
      return m.status === 'failed' && m;
    }, 3000, 'failed status');
    expect(failed.error).to.include('setup exploded');
    expect((await s.request('GET', '/api/dropin/hello')).status).to.equal(200);
    await mods.write('dropin/index.js', `export default { routes() {}, rotues() {} };`);
    await eventually(async () => /unknown field "rotues"/.test((await status('dropin')).error ?? ''), 3000, 'shape error');
    expect((await s.request('GET', '/api/dropin/hello')).status).to.equal(200);
    // Not an Error: the thrown value itself is reported.
    await mods.write('dropin/index.js', `throw 'no module today';`);
    await eventually(async () => /dropin.*: no module today$/.test((await status('dropin')).error ?? ''), 3000, 'thrown string');
    expect((await s.request('GET', '/api/dropin/hello')).status).to.equal(200);
  });

  it('loads other modules at once while one hangs in setup (it times out on its own)', async () => {
    await mods.write('hangs/index.js', `export default { setup() { return new Promise(() => {}); }, routes() {} };`);
    await eventually(async () => (await status('hangs'))?.status === 'loading', 3000, 'the hanging module listed as loading');
    const started = Date.now();
    await mods.write('quick/index.js', `export default { routes(r) { r.get('/ok', (c) => { c.body = 'ok'; }); } };`);
    await eventually(async () => (await s.request('GET', '/api/quick/ok')).status === 200, 4000, 'the quick module');
    expect(Date.now() - started).to.be.below(4000);
    expect((await s.request('POST', '/api/system/modules/quick/reload')).status).to.equal(200);
    await mods.remove('hangs');
    await mods.remove('quick');
  });

  it('says which folders and plugins.json paths it does not load, and why, once', async () => {
    await mods.write('my mod/index.js', `export default { routes() {} };`);
    await mods.write('empty/readme.txt', 'not a module yet');
    await eventually(() => s.output().includes('"my mod" is not a module name'), 3000, 'bad folder name');
    await eventually(() => s.output().includes(`${path.join(mods.dir, 'empty')} has no index.ts, index.js, index.mjs`), 3000, 'no entry');
    await mods.write('other/index.js', `export default { routes(r) { r.get('/ok', (c) => { c.body = 'ok'; }); } };`);
    await eventually(async () => (await s.request('GET', '/api/other/ok')).status === 200, 3000, 'another change');
    expect(s.output().split('"my mod" is not a module name').length).to.equal(2);
    for (const folder of ['my mod', 'empty', 'other']) await mods.remove(folder);
  });

  it('applies plugins.json: disable, options, enable', async () => {
    await writeFile(pluginsFile, JSON.stringify({ echo: { enabled: false } }));
    await eventually(async () => (await status('echo')).status === 'disabled', 3000, 'disabled');
    expect((await s.request('GET', '/api/echo/version')).status).to.equal(404);
    await writeFile(pluginsFile, JSON.stringify({ echo: { enabled: true, options: { city: 'Berlin' } } }));
    const res = await eventually(async () => {
      const r = await s.request('GET', '/api/echo/version');
      return r.status === 200 && r;
    }, 3000, 're-enabled');
    expect(res.body.data.options).to.deep.equal({ city: 'Berlin' });
  });

  it('keeps the previous settings when plugins.json is broken, and says which file', async () => {
    await writeFile(pluginsFile, '{ "echo": ');
    await eventually(() => s.output().includes(`${pluginsFile} is not valid JSON`), 3000, 'log line');
    expect((await s.request('GET', '/api/echo/version')).status).to.equal(200);
    await writeFile(pluginsFile, JSON.stringify({ '../x': { path: '.' }, echo: { enabled: false } }));
    await eventually(() => s.output().includes(`${pluginsFile}: "../x" is not a module name`), 3000, 'bad name log line');
    expect((await s.request('GET', '/api/echo/version')).status).to.equal(200);
    await writeFile(pluginsFile, JSON.stringify({ echo: { options: { city: 'Berlin' } } }));
    // Let that reload settle, so the next test counts only its own.
    await new Promise((r) => setTimeout(r, 300));
    await eventually(async () => (await status('echo')).status === 'loaded', 3000, 'settled');
  });

  it('unloads a module whose folder is removed', async () => {
    await mods.remove('dropin');
    await eventually(async () => (await s.request('GET', '/api/dropin/hello')).status === 404, 3000, 'unloaded');
    expect(await status('dropin')).to.equal(undefined);
  });

  it('reloads on demand through POST /api/system/modules/:name/reload', async () => {
    const before = (await status('echo')).reloads;
    const res = await s.request('POST', '/api/system/modules/echo/reload');
    expect(res.status).to.equal(200);
    expect(res.body.data).to.include({ name: 'echo', status: 'loaded', reloads: before + 1 });
    expect((await s.request('POST', '/api/system/modules/nope/reload')).body.code).to.equal('MODULE_NOT_FOUND');
    expect((await s.request('POST', '/api/system/modules/..%2Fx/reload')).status).to.equal(400);
  });

  it('lets a running stream finish on the old version after a reload', async () => {
    const pending = fetch(`${s.url}/api/echo/slow`, { headers: { authorization: `Bearer ${s.token}` } }).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 150));
    await mods.write('echo/version.ts', "export const VERSION: string = 'v4';");
    await eventually(async () => (await version()) === 'v4', 3000, 'v4');
    const text = await pending;
    expect(text.trim().split('\n')).to.deep.equal(['v3:0', 'v3:1', 'v3:2', 'v3:3', 'v3:4']);
  });

  it('keeps an old version until a handler whose client left has finished', async () => {
    const log = path.join(s.dataDir, 'linger.log');
    const source = (tag: string) => `import { appendFileSync } from 'node:fs';
export default {
  routes(router) {
    router.get('/wait', async (c) => {
      await new Promise((r) => setTimeout(r, 700));
      appendFileSync(${JSON.stringify(log)}, 'handler done ${tag}\\n');
      c.body = { tag: '${tag}' };
    });
    router.get('/tag', (c) => { c.body = { tag: '${tag}' }; });
  },
  teardown() { appendFileSync(${JSON.stringify(log)}, 'teardown ${tag}\\n'); },
};
`;
    const tag = async () => (await s.request('GET', '/api/linger/tag')).body?.data?.tag;
    await mods.write('linger/index.js', source('one'));
    await eventually(async () => (await tag()) === 'one', 3000, 'the linger module');
    const client = new AbortController();
    const pending = fetch(`${s.url}/api/linger/wait`, { headers: { authorization: `Bearer ${s.token}` }, signal: client.signal }).catch(() => 'aborted');
    await new Promise((r) => setTimeout(r, 150));
    client.abort();
    expect(await pending).to.equal('aborted');
    await mods.write('linger/index.js', source('two'));
    await eventually(async () => (await tag()) === 'two', 3000, 'the new version');
    await eventually(async () => (await readFile(log, 'utf8').catch(() => '')).includes('teardown one'), 5000, 'the old version disposed');
    expect((await readFile(log, 'utf8')).trim().split('\n')).to.deep.equal(['handler done one', 'teardown one']);
  });

  it('sends a Blob or a web Response body as it is, not wrapped as data', async () => {
    await mods.write(
      'rawbody/index.js',
      "export default { routes(r) { r.get('/blob', (c) => { c.body = new Blob(['plain words'], { type: 'text/plain' }); }); r.get('/response', (c) => { c.body = new Response('from a Response', { headers: { 'content-type': 'text/plain' } }); }); } };",
    );
    const blob = await eventually(async () => {
      const r = await s.request('GET', '/api/rawbody/blob');
      return r.status === 200 && r;
    }, 3000, 'the rawbody module');
    expect(blob.text).to.equal('plain words');
    const response = await s.request('GET', '/api/rawbody/response');
    expect(response.text).to.equal('from a Response');
  });

  it('fails no request while a module is reloaded repeatedly under load', async () => {
    let stop = false;
    const failures: string[] = [];
    let done = 0;
    const worker = async () => {
      while (!stop) {
        try {
          const r = await s.request('GET', '/api/echo/version');
          if (r.status !== 200) failures.push(`${r.status} ${r.text}`);
        } catch (err) {
          failures.push(String(err));
        }
        done += 1;
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    for (let i = 0; i < 15; i++) {
      await mods.write('echo/version.ts', `export const VERSION: string = 'load-${i}';`);
      await eventually(async () => (await version()) === `load-${i}`, 3000, `load-${i}`);
    }
    stop = true;
    await Promise.all(workers);
    expect(failures).to.deep.equal([]);
    expect(done).to.be.greaterThan(50);
  });

  it("releases an old version's timers and event listeners", async () => {
    const traces = path.join(s.dataDir, 'ticker-traces.log');
    await eventually(async () => (await readFile(traces, 'utf8').catch(() => '')).includes('tick ticker-1'), 3000, 'first ticks');
    const source = await readFile(path.join(mods.dir, 'ticker/index.ts'), 'utf8');
    await mods.write('ticker/index.ts', source.replace("const TAG = 'ticker-1'", "const TAG = 'ticker-2'"));
    await eventually(async () => (await readFile(traces, 'utf8')).includes('tick ticker-2'), 3000, 'new version ticking');
    await new Promise((r) => setTimeout(r, 100)); // let a tick already scheduled for the old version run out
    await writeFile(traces, '');
    expect((await s.request('POST', '/api/ticker/ping')).body.data.tag).to.equal('ticker-2');
    await new Promise((r) => setTimeout(r, 200));
    const log = await readFile(traces, 'utf8');
    expect(log).to.include('tick ticker-2').and.include('heard ticker-2');
    expect(log).not.to.include('ticker-1');
  });
});

describe('a module that throws outside a request', () => {
  let s: TestServer;
  let mods: ModulesDir;
  before(async () => {
    mods = await makeModulesDir({ fixtures: [] });
    await mods.write(
      'wild/index.js',
      `export default {
  setup(ctx) {
    ctx.setTimeout(() => { throw new Error('timer went wild'); }, 10);
    ctx.setTimeout(() => { Promise.reject(new Error('promise went wild')); }, 20);
    ctx.events.subscribe((event) => { if (event.type === 'wild-ping') throw new Error('listener went wild'); });
    ctx.setTimeout(() => ctx.events.publish('wild-ping'), 30);
  },
  routes(router) { router.get('/ok', (c) => { c.body = 'fine'; }); },
};
`,
    );
    s = await startServer({ modulesDir: mods.dir });
  });
  after(async () => {
    await s?.stop();
    await mods?.cleanup();
  });

  it('keeps the server up and logs the error with the module name', async () => {
    await eventually(() => /promise went wild/.test(s.output()), 3000, 'the log line');
    expect(s.output()).to.match(/uncaught exception in module "wild": Error: timer went wild/);
    expect(s.output()).to.match(/unhandled promise rejection in module "wild": Error: promise went wild/);
    await eventually(() => /listener went wild/.test(s.output()), 3000, 'the listener log line');
    expect(s.output()).to.match(/\[module:wild\] event listener failed on "wild-ping": Error: listener went wild\n\s+at /);
    expect((await s.request('GET', '/api/system/health', { token: null })).status).to.equal(200);
  });
});
