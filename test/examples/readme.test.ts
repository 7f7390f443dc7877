/**
 * The README's "Writing a module" examples are the files under examples/, and they work: the same
 * text, served by the real server from a modules folder, every route the README shows answered as
 * it says. A change to either side that is not made to the other fails here.
 */
import { expect } from 'chai';
import { readdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { makeModulesDir, type ModulesDir } from '../support/modules.ts';
import { ROOT, startServer, type TestServer } from '../support/server.ts';

const EXAMPLES = path.join(ROOT, 'examples');

/** The README's code blocks that start with a `// modules/<name>/<file>` line, by that path under examples/. */
async function readmeModules(): Promise<Map<string, string>> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const found = new Map<string, string>();
  for (const [, code] of readme.matchAll(/^```\w*\n([\s\S]*?)^```/gm)) {
    const where = /^\/\/ modules\/([^/\s]+\/[^/\s]+)\n/.exec(code);
    if (where) found.set(where[1], code);
  }
  return found;
}

describe('the README module examples (examples/)', () => {
  it('are the same text as the files under examples/, and every example is in the README', async () => {
    const blocks = await readmeModules();
    const files = (await readdir(EXAMPLES, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(EXAMPLES, path.join(e.parentPath, e.name)))
      .sort();
    expect([...blocks.keys()].sort(), 'README blocks vs examples/').to.deep.equal(files);
    expect(files).to.include.members(['notes/index.ts', 'weather/index.js']);
    for (const [file, code] of blocks) expect(await readFile(path.join(EXAMPLES, file), 'utf8'), file).to.equal(code);
  });

  describe('served from a modules folder', () => {
    let modules: ModulesDir;
    let s: TestServer;
    before(async () => {
      // As the README says: a folder dropped into modules/ (here linked, so the files run as they are).
      modules = await makeModulesDir({ real: ['auth', 'system'] });
      for (const name of ['notes', 'weather']) await symlink(path.join(EXAMPLES, name), path.join(modules.dir, name), 'dir');
      s = await startServer({ modulesDir: modules.dir });
    });
    after(async () => {
      await s?.stop();
      await modules?.cleanup();
    });

    it('loads both at /api/<folder>', async () => {
      const listed = (await s.request('GET', '/api/system/modules')).body.data as Array<{ name: string; status: string; prefix: string }>;
      const byName = Object.fromEntries(listed.map((m) => [m.name, m]));
      expect(byName.notes).to.include({ status: 'loaded', prefix: '/api/notes' });
      expect(byName.weather).to.include({ status: 'loaded', prefix: '/api/weather' });
    });

    it('GET /api/weather/today answers {sunny: true} in the envelope, with a token only', async () => {
      const res = await s.request('GET', '/api/weather/today');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ success: true, data: { sunny: true } });
      const anonymous = await s.request('GET', '/api/weather/today', { token: null });
      expect(anonymous.status).to.equal(401);
      expect(anonymous.body).to.include({ success: false, code: 'UNAUTHORIZED' });
    });

    it('POST /api/notes adds a note (201 with the count), kept in DATA_DIR/notes.json', async () => {
      const first = await s.request('POST', '/api/notes', { body: { text: 'buy milk' } });
      expect(first.status).to.equal(201);
      expect(first.body).to.deep.equal({ success: true, data: { count: 1 } });
      const second = await s.request('POST', '/api/notes', { body: { text: 'call Ann' } });
      expect(second.body.data).to.deep.equal({ count: 2 });
      const onDisk = JSON.parse(await readFile(path.join(s.dataDir, 'notes.json'), 'utf8'));
      expect(onDisk).to.deep.equal({ items: ['buy milk', 'call Ann'] });
    });

    it('POST /api/notes refuses an empty or missing text with 400 VALIDATION_ERROR naming body.text', async () => {
      for (const body of [{ text: '' }, {}]) {
        const res = await s.request('POST', '/api/notes', { body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body).to.include({ success: false, code: 'VALIDATION_ERROR' });
        expect(res.body.details.map((d: { path: string }) => d.path)).to.deep.equal(['body.text']);
      }
    });

    it('GET /api/notes/:i answers one note, and 404 NOTE_NOT_FOUND for one that does not exist', async () => {
      expect((await s.request('GET', '/api/notes/1')).body).to.deep.equal({ success: true, data: { text: 'call Ann' } });
      for (const i of ['7', 'x']) {
        const missing = await s.request('GET', `/api/notes/${i}`);
        expect(missing.status, i).to.equal(404);
        expect(missing.body).to.deep.equal({ success: false, error: `No note ${i}`, code: 'NOTE_NOT_FOUND' });
      }
    });

    it('documents the notes routes in /api/openapi.json by their summaries', async () => {
      const doc = (await s.request('GET', '/api/openapi.json')).body;
      expect(doc.paths['/api/notes'].post).to.include({ summary: 'Add a note' });
      expect(doc.paths['/api/notes/{i}'].get).to.include({ summary: 'One note' });
    });

    it('keeps answering, with its notes, after a reload', async () => {
      const reload = await s.request('POST', '/api/system/modules/notes/reload');
      expect(reload.status).to.equal(200);
      const listed = (await s.request('GET', '/api/system/modules')).body.data as Array<{ name: string; reloads: number }>;
      expect(listed.find((m) => m.name === 'notes')?.reloads).to.equal(1);
      expect((await s.request('GET', '/api/notes/0')).body.data).to.deep.equal({ text: 'buy milk' });
      expect(s.output()).not.to.match(/module "notes".*(failed|did not finish)/);
    });
  });
});
