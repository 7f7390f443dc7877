import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';

/** Every file the page loads: the page, its stylesheet and scripts, and the import map's targets. */
async function pageFiles(s: TestServer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const page = await (await fetch(`${s.url}/`)).text();
  files.set('/', page);
  const map = JSON.parse(/<script type="importmap">(.*?)<\/script>/s.exec(page)![1]) as { imports: Record<string, string> };
  const queue = [...page.matchAll(/(?:href|src)="(assets\/[^"]+)"/g)].map((m) => '/' + m[1]).concat(Object.values(map.imports).map((u) => u.slice(1)));
  while (queue.length) {
    const file = queue.shift()!;
    if (files.has(file)) continue;
    const res = await fetch(s.url + file);
    expect(res.status, file).to.equal(200);
    const text = await res.text();
    files.set(file, text);
    // Relative imports of the panel's own modules, static and dynamic.
    for (const m of text.matchAll(/(?:from|import\()\s*['"](\.\.?\/[^'"]+)['"]/g)) queue.push(new URL(m[1], s.url + file).pathname);
  }
  return files;
}

describe('panel module: serving the web panel', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.stop());

  it('serves the page at / with an import map pointing at versioned, relative vendor URLs', async () => {
    const res = await fetch(`${s.url}/`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/html/);
    const html = await res.text();
    const map = JSON.parse(/<script type="importmap">(.*?)<\/script>/s.exec(html)![1]);
    expect(map.imports.preact).to.match(/^\.\/vendor\/preact@\d+\.\d+\.\d+\/dist\/preact\.mjs$/);
    expect(map.imports['preact/hooks']).to.match(/^\.\/vendor\/preact@[\d.]+\/hooks\/dist\/hooks\.mjs$/);
    expect(map.imports.htm).to.match(/^\.\/vendor\/htm@[\d.]+\/dist\/htm\.mjs$/);
    // Relative asset URLs: the panel must work under a reverse-proxy sub-path.
    expect(html).not.to.match(/(?:href|src)="\//);
  });

  it('caches vendor files as immutable and revalidates its own files by ETag (304)', async () => {
    const html = await (await fetch(`${s.url}/`)).text();
    const vendor = JSON.parse(/<script type="importmap">(.*?)<\/script>/s.exec(html)![1]).imports.preact.slice(1);
    const lib = await fetch(s.url + vendor);
    expect(lib.headers.get('cache-control')).to.include('immutable');
    expect(lib.headers.get('content-type')).to.match(/^text\/javascript/);
    const app = await fetch(`${s.url}/assets/app.js`);
    const etag = app.headers.get('etag')!;
    expect(app.headers.get('cache-control')).to.equal('no-cache');
    expect(etag).to.match(/^"[\w-]+"$/);
    // node:http, not fetch: fetch adds `Cache-Control: no-cache` to a conditional request, as browsers do not.
    const again = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      http.get(`${s.url}/assets/app.js`, { headers: { 'if-none-match': etag } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode, body }));
      }).on('error', reject);
    });
    expect(again.status).to.equal(304);
    expect(again.body).to.equal('');
  });

  it('keeps the first load of the dashboard under 250 KB', async () => {
    const files = await pageFiles(s);
    const dashboard = [...files].filter(([f]) => !f.includes('/pages/') || f.endsWith('/dashboard.js'));
    const bytes = dashboard.reduce((n, [, text]) => n + Buffer.byteLength(text), 0);
    expect(bytes).to.be.below(250 * 1024);
  });

  it('serves no secret: no token, key or JWT in any file, and nothing stored in the browser but the language', async () => {
    const files = await pageFiles(s);
    for (const [file, text] of files) {
      expect(text, file).not.to.include(s.token);
      expect(text, file).not.to.match(/eyJ[\w-]{10,}\.[\w-]{10,}\./);
      expect(text, file).not.to.match(/localStorage\.setItem\((?!KEY)/);
      expect(text, file).not.to.match(/document\.cookie/);
    }
  });

  it('never answers /api paths: an unknown API route is still the kernel 401/404 envelope', async () => {
    const anonymous = await s.request('GET', '/api/nothing-here', { token: null });
    expect(anonymous.status).to.equal(401);
    const authed = await s.request('GET', '/api/nothing-here');
    expect(authed.status).to.equal(404);
    expect(authed.body).to.include({ success: false, code: 'NOT_FOUND' });
    const unknownAsset = await s.request('GET', '/assets/nope.js', { token: null });
    expect(unknownAsset.status).to.equal(404);
  });
});

describe('panel module: disabled in plugins.json', () => {
  let s: TestServer;
  before(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'chatai-panel-plugins-'));
    const pluginsFile = path.join(dir, 'plugins.json');
    await writeFile(pluginsFile, JSON.stringify({ panel: { enabled: false } }));
    s = await startServer({ pluginsFile });
  });
  after(() => s.stop());

  it('takes the page away and leaves the API working', async () => {
    expect((await s.request('GET', '/', { token: null })).status).to.equal(404);
    const status = await s.request('GET', '/api/system/status');
    expect(status.status).to.equal(200);
    const modules = await s.request('GET', '/api/system/modules');
    expect(modules.body.data.find((m: { name: string }) => m.name === 'panel').status).to.equal('disabled');
  });
});

describe('panel linked into another modules dir', () => {
  it('finds its libraries from its real folder, and serves the page', async () => {
    const mods = await makeModulesDir({ real: ['auth', 'system', 'panel'] });
    const s = await startServer({ modulesDir: mods.dir });
    try {
      const panel = (await s.request('GET', '/api/system/modules')).body.data.find((m: { name: string }) => m.name === 'panel');
      expect(panel, panel?.error).to.include({ status: 'loaded' });
      expect((await fetch(`${s.url}/`)).status).to.equal(200);
    } finally {
      await s.stop();
      await mods.cleanup();
    }
  });
});
