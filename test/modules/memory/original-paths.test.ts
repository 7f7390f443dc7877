/**
 * The original plugin's memory paths (docs/statistics.md#original-paths): the module mounted at
 * `/api/memory`, its batch add, merge and legacy forms. Each answers like its `/api/memories` route,
 * needs a token, refuses bad input with a 400 and is deprecated in the OpenAPI document.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { deprecatedOperations, expectMasterOnly } from '../../support/original-paths.ts';
import { startServer, type TestServer } from '../../support/server.ts';

type Memory = { id: string; userId: string; content: string; category: string; isActive: boolean; confidence: number; metadata: unknown };

/** Reads answered the same under both prefixes: [method, path after the prefix, body]. `{id}` is a memory of user 6001. */
const READS: Array<[string, string, unknown?]> = [
  ['GET', '/users'],
  ['GET', '/stats'],
  ['GET', '/categories'],
  ['POST', '/search', { query: 'pizza' }],
  ['POST', '/search', {}],
  ['GET', '/group/700'],
  ['GET', '/user/6001'],
  ['GET', '/user/6001?format=list'],
  ['GET', '/user/bad!id'],
  ['GET', '/user/6001/stats'],
  ['GET', '/user/6001/category/preference'],
  ['GET', '/user/6001/category/nope'],
  ['GET', '/user/6001/group/700'],
  ['GET', '/{id}'],
  ['GET', '/mem_6001_000000000000'],
];

/** Every operation under /api/memory (the original's) and the original-only ones under /api/memories. */
const DEPRECATED = [
  'GET /api/memory/users',
  'GET /api/memory/stats',
  'GET /api/memory/categories',
  'POST /api/memory/search',
  'DELETE /api/memory/clear-all',
  'POST /api/memory/batch',
  'POST /api/memory/merge/:userId',
  'GET /api/memory/group/:groupId',
  'GET /api/memory/user/:userId',
  'POST /api/memory/user/:userId',
  'DELETE /api/memory/user/:userId',
  'GET /api/memory/user/:userId/stats',
  'GET /api/memory/user/:userId/category/:category',
  'GET /api/memory/user/:userId/group/:groupId',
  'POST /api/memory/user/:userId/summarize',
  'POST /api/memory',
  'GET /api/memory/:id',
  'PUT /api/memory/:id',
  'DELETE /api/memory/:id',
  'DELETE /api/memory/:userId/:memoryId',
  'POST /api/memories',
  'GET /api/memories/legacy/memory-or-user/:id',
  'DELETE /api/memories/legacy/memory-or-user/:id',
  'POST /api/memories/batch',
  'POST /api/memories/merge/:userId',
  'DELETE /api/memories/:userId/:memoryId',
];

/** [method, original path, body] for the 401/403 walk. */
const ORIGINALS: Array<[string, string, unknown?]> = [
  ...READS.map(([m, p, b]) => [m, `/api/memory${p.replace('{id}', 'mem_6001_000000000000')}`, b] as [string, string, unknown?]),
  ['DELETE', '/api/memory/clear-all'],
  ['POST', '/api/memory/batch', { memories: [{ userId: '1', content: 'x' }] }],
  ['POST', '/api/memory/merge/6001'],
  ['POST', '/api/memory/user/6001', { content: 'x' }],
  ['DELETE', '/api/memory/user/6001'],
  ['POST', '/api/memory/user/6001/summarize', {}],
  ['POST', '/api/memory', { userId: '6001', content: 'x' }],
  ['PUT', '/api/memory/mem_6001_000000000000', { content: 'x' }],
  ['DELETE', '/api/memory/mem_6001_000000000000'],
  ['DELETE', '/api/memory/6001'],
  ['DELETE', '/api/memory/6001/mem_6001_000000000000'],
];

describe('memory: the original plugin\'s paths (/api/memory and the legacy forms)', () => {
  let s: TestServer;
  let groupToken: string;
  const onDisk = async (userId: string) => JSON.parse(await readFile(path.join(s.dataDir, 'memories', `${userId}.json`), 'utf8')).memories as Memory[];
  const add = async (userId: string, body: Record<string, unknown>) => (await s.request('POST', `/api/memories/user/${userId}`, { body })).body.data as Memory;

  before(async () => {
    s = await startServer({ modules: { real: ['auth', 'system', 'memory'] } });
    groupToken = await s.loginAs({ groupId: '10001' });
  });
  after(async () => s?.stop());

  it('answers every read at /api/memory like /api/memories, bad input included', async () => {
    const pizza = await add('6001', { content: 'Likes pizza', category: 'preferences', groupId: '700' });
    await add('6001', { content: 'Lives in Lyon', category: 'basic_info' });
    for (const [method, rest, body] of READS) {
      const p = rest.replace('{id}', pizza.id);
      const [a, b] = [await s.request(method, `/api/memory${p}`, { body }), await s.request(method, `/api/memories${p}`, { body })];
      expect(a.status, `${method} ${p}`).to.equal(b.status);
      expect(a.body, `${method} ${p}`).to.deep.equal(b.body);
    }
    expect((await s.request('GET', `/api/memory/${pizza.id}`)).body.data).to.deep.include({ content: 'Likes pizza' });
    expect((await s.request('POST', '/api/memory/search', { body: {} })).status).to.equal(400);
    expect((await s.request('GET', '/api/memory/mem_bad')).body.code).to.equal('VALIDATION_ERROR');
  });

  it('changes memories through /api/memory as through /api/memories', async () => {
    const added = await s.request('POST', '/api/memory/user/6101', { body: { content: 'Plays chess', category: 'topic' } });
    expect(added.status).to.equal(201);
    expect(added.body.data).to.include({ userId: '6101', category: 'interests', content: 'Plays chess' });
    expect((await s.request('POST', '/api/memory/user/6101', { body: { content: 'x', category: 'nope' } })).status).to.equal(400);

    const changed = await s.request('PUT', `/api/memory/${added.body.data.id}`, { body: { content: 'Plays go' } });
    expect(changed.body.data.content).to.equal('Plays go');
    expect((await s.request('PUT', '/api/memory/6101', { body: { content: 'x' } })).status).to.equal(400);
    expect((await s.request('DELETE', `/api/memory/${added.body.data.id}?hard=true`)).body.data).to.deep.equal({ success: true, id: added.body.data.id, hard: true });
    expect(await onDisk('6101')).to.deep.equal([]);

    await add('6102', { content: 'Has a dog' });
    expect((await s.request('DELETE', '/api/memory/user/6102')).body.data).to.deep.equal({ success: true, deletedCount: 1 });
    const summary = await s.request('POST', '/api/memory/user/6102/summarize', { body: {} });
    expect(summary.status).to.equal(200);
    expect(summary.body.data).to.include({ userId: '6102', originalCount: 0 });
  });

  it('adds with the legacy POST /api/memory {userId, content, category, metadata}', async () => {
    const res = await s.request('POST', '/api/memory', { body: { userId: '6201', content: ' Born in May ', category: 'event', metadata: { from: 'script' } } });
    expect(res.status).to.equal(201);
    expect(res.body.data).to.include({ userId: '6201', content: 'Born in May', category: 'events', source: 'manual' });
    expect(res.body.data.metadata).to.deep.equal({ from: 'script' });
    expect((await onDisk('6201')).map((m) => m.id)).to.deep.equal([res.body.data.id]);
    const same = await s.request('POST', '/api/memories', { body: { userId: '6201', content: 'born in may', category: 'events' } });
    expect(same.status).to.equal(200); // merged into the live twin, as POST /user/:userId does
    for (const body of [{ content: 'x' }, { userId: 'mem_x', content: 'x' }, { userId: '6201' }, { userId: '6201', content: 'x', extra: 1 }]) {
      const bad = await s.request('POST', '/api/memory', { body });
      expect(bad.status, JSON.stringify(body)).to.equal(400);
      expect(bad.body.code).to.equal('VALIDATION_ERROR');
    }
  });

  it('adds many with POST /api/memory/batch: an invalid item fails alone and is named', async () => {
    const res = await s.request('POST', '/api/memory/batch', {
      body: { memories: [{ userId: '6301', content: 'Likes tea', category: 'preference' }, { userId: '6302', content: 'Works nights' }, { userId: '6301', category: 'nope', content: 'x' }] },
    });
    expect(res.status).to.equal(200);
    const { total, success, failed, results } = res.body.data;
    expect({ total, success, failed }).to.deep.equal({ total: 3, success: 2, failed: 1 });
    expect(results[0]).to.include({ success: true });
    expect(results[0].memory).to.include({ userId: '6301', category: 'preferences', content: 'Likes tea' });
    expect(results[2]).to.include({ success: false });
    expect(results[2].error).to.match(/category/);
    expect(results[2].memory).to.deep.equal({ userId: '6301', category: 'nope', content: 'x' });
    expect((await onDisk('6302')).map((m) => m.content)).to.deep.equal(['Works nights']);
    for (const body of [{}, { memories: [] }, { memories: 'x' }, { memories: ['text'] }]) {
      expect((await s.request('POST', '/api/memory/batch', { body })).status, JSON.stringify(body)).to.equal(400);
    }
  });

  it('merges duplicates with POST /api/memory/merge/:userId, the more confident one staying', async () => {
    const keep = await add('6401', { content: 'Likes jazz', category: 'preferences', confidence: 0.9 });
    const twin = await add('6401', { content: 'Owns a bike', category: 'preferences', confidence: 0.5 });
    await add('6401', { content: 'Likes jazz', category: 'interests' }); // another category: not a duplicate
    // `add` merges duplicates itself, so make one by editing.
    await s.request('PUT', `/api/memories/${twin.id}`, { body: { content: 'likes JAZZ!' } });
    const res = await s.request('POST', '/api/memory/merge/6401');
    expect(res.status).to.equal(200);
    expect(res.body.data).to.deep.equal({ originalCount: 3, mergedCount: 1, deletedCount: 1 });
    const left = await onDisk('6401');
    expect(left.map((m) => m.id)).to.include(keep.id).and.not.include(twin.id);
    expect(left).to.have.length(2);
    expect((await s.request('POST', '/api/memory/merge/6401')).body.data).to.deep.equal({ originalCount: 2, mergedCount: 0, deletedCount: 0 });
    expect((await s.request('POST', '/api/memory/merge/bad!id')).status).to.equal(400);
  });

  it('serves the legacy GET|DELETE /api/memory/:userId and DELETE /api/memory/:userId/:memoryId', async () => {
    const a = await add('6501', { content: 'Speaks French' });
    const b = await add('6501', { content: 'Runs marathons' });
    const list = await s.request('GET', '/api/memory/6501');
    expect(list.status).to.equal(200);
    expect(list.body.data.map((m: Memory) => m.id)).to.have.members([a.id, b.id]);
    expect((await s.request('GET', '/api/memory/6599')).body.data).to.deep.equal([]);
    // The contract's /api/memories/:id takes memory ids only; the deprecated target of this path takes both.
    expect((await s.request('GET', '/api/memories/6501')).status).to.equal(400);
    expect((await s.request('GET', '/api/memories/legacy/memory-or-user/6501')).body).to.deep.equal(list.body);

    expect((await s.request('DELETE', `/api/memory/6502/${a.id}`)).body.code).to.equal('MEMORY_NOT_FOUND'); // not that user's
    expect((await s.request('DELETE', '/api/memory/6501/12345')).status).to.equal(400);
    expect((await s.request('DELETE', `/api/memory/6501/${a.id}?hard=maybe`)).status).to.equal(400);
    const one = await s.request('DELETE', `/api/memory/6501/${a.id}`);
    expect(one.body.data).to.deep.equal({ success: true, id: a.id, hard: false });
    expect((await onDisk('6501')).find((m) => m.id === a.id)).to.include({ isActive: false });
    expect((await s.request('GET', '/api/memory/6501')).body.data.map((m: Memory) => m.id)).to.deep.equal([b.id]);

    const cleared = await s.request('DELETE', '/api/memory/6501');
    expect(cleared.body.data).to.deep.equal({ success: true, deletedCount: 1 });
    expect((await onDisk('6501')).every((m) => !m.isActive)).to.equal(true);
    expect((await s.request('DELETE', '/api/memory/6501?hard=true')).body.data).to.deep.equal({ success: true, deletedCount: 2 });
  });

  it('clears everything with DELETE /api/memory/clear-all', async () => {
    await add('6601', { content: 'Is left-handed' });
    const res = await s.request('DELETE', '/api/memory/clear-all');
    expect(res.body.data.success).to.equal(true);
    expect(res.body.data.deletedCount).to.be.greaterThan(0);
    expect((await s.request('GET', '/api/memory/users')).body.data).to.deep.equal([]);
  });

  it('needs a master token on every original path: 401 without one, 403 for a group admin', async () => {
    await expectMasterOnly(s, groupToken, ORIGINALS);
  });

  it('marks the original-only operations deprecated in the OpenAPI document, and only those', async () => {
    expect(await deprecatedOperations(s, '/api/memor')).to.deep.equal([...DEPRECATED].sort());
  });
});
