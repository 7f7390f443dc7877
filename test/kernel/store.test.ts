import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from '../support/server.ts';

describe('store (docs/architecture.md#the-store)', () => {
  let s: TestServer;
  const file = () => path.join(s.dataDir, 'echo-counter.json');

  before(async () => {
    s = await startServer({ modules: { fixtures: ['echo'] } });
  });
  after(async () => {
    await s?.stop();
  });

  it('persists every one of many parallel writes, and a 2xx means on disk', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, n) => s.request('POST', '/api/echo/items', { body: { n } })));
    expect(answers.every((a) => a.status === 201)).to.equal(true);
    const counts = answers.map((a) => a.body.data.count).sort((a, b) => a - b);
    expect(counts).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    const onDisk = JSON.parse(await readFile(file(), 'utf8'));
    expect(onDisk.count).to.equal(50);
    expect([...onDisk.items].sort((a: number, b: number) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
    expect((await readdir(s.dataDir)).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('keeps state across a restart', async () => {
    await s.restart();
    s.token = await s.loginAs({});
    const res = await s.request('GET', '/api/echo/items');
    expect(res.body.data.count).to.equal(50);
  });

  it('leaves the file untouched when a request fails validation', async () => {
    const before = await readFile(file(), 'utf8');
    expect((await s.request('POST', '/api/echo/items', { body: { n: 'x' } })).status).to.equal(400);
    expect(await readFile(file(), 'utf8')).to.equal(before);
  });
});

describe('store: an unreadable data file', () => {
  let s: TestServer;
  const garbage = '{"count": 3, "items": [1, 2';

  before(async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-corrupt-'));
    await writeFile(path.join(dataDir, 'echo-counter.json'), garbage);
    s = await startServer({ modules: { fixtures: ['echo'] }, dataDir });
  });
  after(async () => {
    await s?.stop();
  });

  it('is moved aside with its content intact, never overwritten, and the log names it', async () => {
    const res = await s.request('POST', '/api/echo/items', { body: { n: 7 } });
    expect(res.status).to.equal(201);
    const names = await readdir(s.dataDir);
    const aside = names.find((n) => n.startsWith('echo-counter.json.corrupt-'));
    expect(aside, names.join(', ')).to.be.a('string');
    expect(await readFile(path.join(s.dataDir, aside!), 'utf8')).to.equal(garbage);
    expect(JSON.parse(await readFile(path.join(s.dataDir, 'echo-counter.json'), 'utf8'))).to.deep.equal({ count: 1, items: [7] });
    expect(s.output()).to.include(path.join(s.dataDir, 'echo-counter.json')).and.include('moved it aside');
  });

  it('reads a file edited by hand while it runs before writing it: a good edit is kept, a bad one moved aside', async () => {
    const file = path.join(s.dataDir, 'echo-counter.json');
    await s.request('POST', '/api/echo/items', { body: { n: 1 } });
    await writeFile(file, JSON.stringify({ count: 40, items: [4] }));
    expect((await s.request('POST', '/api/echo/items', { body: { n: 2 } })).body.data).to.deep.equal({ count: 41 });
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal({ count: 41, items: [4, 2] });
    expect(s.output()).to.include(`store: ${file} was changed on disk while the server ran`);

    const broken = '{"count": 99, "items": [';
    await writeFile(file, broken);
    expect((await s.request('POST', '/api/echo/items', { body: { n: 3 } })).body.data).to.deep.equal({ count: 42 });
    const asides = (await readdir(s.dataDir)).filter((n) => n.startsWith('echo-counter.json.corrupt-'));
    const kept = await Promise.all(asides.map((n) => readFile(path.join(s.dataDir, n), 'utf8')));
    expect(kept).to.include(broken);
    expect(s.output()).to.match(/could not be read; moved it aside to .* and kept the data the server had/);
  });

  it('fills keys a hand edit left out from the defaults, and reads again after a failed first read', async () => {
    const file = path.join(s.dataDir, 'echo-counter.json');
    await s.request('POST', '/api/echo/items', { body: { n: 1 } });
    await writeFile(file, '{"count": 5}');
    expect((await s.request('POST', '/api/echo/items', { body: { n: 2 } })).body.data).to.deep.equal({ count: 6 });
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal({ count: 6, items: [2] });

    // A directory where the file should be: this request fails, the ones after it do not.
    await rm(file);
    await mkdir(file);
    await s.restart();
    expect((await s.request('POST', '/api/echo/items', { body: { n: 3 } })).status).to.equal(500);
    await rm(file, { recursive: true });
    expect((await s.request('POST', '/api/echo/items', { body: { n: 4 } })).body.data).to.deep.equal({ count: 1 });
  });

  it('takes a file holding null, a bare value or the wrong outline for unreadable too, not for a missing one', async () => {
    for (const content of ['null', '"text"', '42', '[]', '{"count": 1, "items": "x"}']) {
      await writeFile(path.join(s.dataDir, 'echo-counter.json'), content);
      await s.restart();
      expect((await s.request('POST', '/api/echo/items', { body: { n: 8 } })).body.data).to.deep.equal({ count: 1 });
      const asides = (await readdir(s.dataDir)).filter((n) => n.startsWith('echo-counter.json.corrupt-'));
      const kept = await Promise.all(asides.map((n) => readFile(path.join(s.dataDir, n), 'utf8')));
      expect(kept, content).to.include(content);
    }
    expect(s.output()).to.include('it holds null, not an object').and.include('items\\" holds a string, not a list');
  });
});
