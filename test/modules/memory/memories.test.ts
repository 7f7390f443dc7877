import { expect } from 'chai';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';

describe('memory: /api/memories', () => {
  let s: TestServer;
  let modules: ModulesDir;
  const userFile = (userId: string) => path.join(s.dataDir, 'memories', `${userId}.json`);
  const onDisk = async (userId: string) => JSON.parse(await readFile(userFile(userId), 'utf8')).memories as Array<Record<string, unknown>>;
  const add = (userId: string, body: Record<string, unknown>) => s.request('POST', `/api/memories/user/${userId}`, { body });

  before(async () => {
    modules = await makeModulesDir({ real: ['auth', 'system', 'memory'] });
    s = await startServer({ modulesDir: modules.dir });
  });
  after(async () => {
    await s?.stop();
    await modules?.cleanup();
  });

  describe('POST /user/:userId', () => {
    it('adds a memory (201) with a mem_ id, the defaults filled, and writes only that user’s file', async () => {
      const res = await add('1001', { content: 'Lives in Berlin', category: 'basic_info', subType: 'location' });
      expect(res.status).to.equal(201);
      const m = res.body.data;
      expect(m.id).to.match(/^mem_1001_[0-9a-f]{12}$/);
      expect(m).to.include({ userId: '1001', category: 'basic_info', subType: 'location', content: 'Lives in Berlin', confidence: 0.9, source: 'manual', isActive: true, groupId: null });
      expect((await onDisk('1001')).map((x) => x.id)).to.deep.equal([m.id]);

      const before = (await stat(userFile('1001'))).mtimeMs;
      expect((await add('1002', { content: 'Has a cat' })).status).to.equal(201);
      expect((await stat(userFile('1001'))).mtimeMs).to.equal(before);
      expect((await onDisk('1002'))[0]).to.include({ category: 'custom', content: 'Has a cat' });
    });

    it("accepts the original's category keys as aliases", async () => {
      const res = await add('1003', { content: 'Birthday on 3 May', category: 'event' });
      expect(res.status).to.equal(201);
      expect(res.body.data.category).to.equal('events');
    });

    it('merges a duplicate of a live memory (same category and group) instead of adding one', async () => {
      const first = (await add('1004', { content: 'Likes spicy food', category: 'preferences', confidence: 0.6 })).body.data;
      const again = await add('1004', { content: 'likes  SPICY food!', category: 'preference', confidence: 0.8 });
      expect(again.status).to.equal(200);
      expect(again.body.data.id).to.equal(first.id);
      expect(again.body.data.confidence).to.equal(0.8);
      const lower = await add('1004', { content: 'Likes spicy food', category: 'preferences', confidence: 0.5 });
      expect(lower.body.data.confidence).to.equal(0.8);
      // Another category, another group or different content is another memory.
      expect((await add('1004', { content: 'Likes spicy food', category: 'interests' })).status).to.equal(201);
      expect((await add('1004', { content: 'Likes spicy food', category: 'preferences', groupId: '55' })).status).to.equal(201);
      expect((await add('1004', { content: 'Hates spicy food', category: 'preferences' })).status).to.equal(201);
      expect(await onDisk('1004')).to.have.length(4);
    });

    it('refuses bad input with 400 and the field named', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{}, 'body.content'],
        [{ content: '   ' }, 'body.content'],
        [{ content: 'x', category: 'gossip' }, 'body.category'],
        [{ content: 'x', confidence: 2 }, 'body.confidence'],
        [{ content: 'x', groupId: '../x' }, 'body.groupId'],
        [{ content: 'x', extra: 1 }, 'body.extra'],
        [{ content: 'x'.repeat(2001) }, 'body.content'],
      ];
      for (const [body, field] of cases) {
        const res = await add('1005', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.code).to.equal('VALIDATION_ERROR');
        expect(res.body.details.map((d: { path: string }) => d.path), JSON.stringify(body)).to.include(field);
      }
      for (const userId of ['..%2F', 'a.b', 'mem_1', '-x', 'x'.repeat(65)]) {
        expect((await add(userId, { content: 'x' })).status, userId).to.equal(400);
      }
      await stat(userFile('1005')).then(
        () => expect.fail('refused input must not be stored'),
        () => undefined,
      );
    });
  });

  describe('GET|PUT|DELETE /:id', () => {
    it('reads, updates and soft-deletes one memory; hard=true removes it from disk', async () => {
      const m = (await add('2001', { content: 'Works as a nurse', category: 'basic_info', subType: 'occupation' })).body.data;
      expect((await s.request('GET', `/api/memories/${m.id}`)).body.data).to.deep.equal(m);

      let res = await s.request('PUT', `/api/memories/${m.id}`, { body: { content: 'Works as a doctor', confidence: 0.7, category: 'profile' } });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ id: m.id, content: 'Works as a doctor', confidence: 0.7, category: 'basic_info' });
      expect(res.body.data.updatedAt).to.be.at.least(m.updatedAt);
      expect((await onDisk('2001'))[0]).to.include({ content: 'Works as a doctor' });

      res = await s.request('DELETE', `/api/memories/${m.id}`);
      expect(res.status).to.equal(200);
      expect((await onDisk('2001'))[0]).to.include({ id: m.id, isActive: false });
      expect((await s.request('GET', '/api/memories/user/2001?format=list')).body.data).to.deep.equal([]);
      const withInactive = (await s.request('GET', '/api/memories/user/2001?format=list&includeInactive=true')).body.data;
      expect(withInactive.map((x: { id: string }) => x.id)).to.deep.equal([m.id]);

      res = await s.request('PUT', `/api/memories/${m.id}`, { body: { isActive: true } });
      expect(res.body.data.isActive).to.equal(true);

      res = await s.request('DELETE', `/api/memories/${m.id}?hard=true`);
      expect(res.status).to.equal(200);
      expect(await onDisk('2001')).to.deep.equal([]);
      expect((await s.request('GET', `/api/memories/${m.id}`)).status).to.equal(404);
    });

    it('answers 404 MEMORY_NOT_FOUND for an unknown id and 400 for something that is neither a memory id nor a user id', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await s.request(method, '/api/memories/mem_2001_0123456789ab', { body: method === 'PUT' ? { content: 'x' } : undefined });
        expect(res.status, method).to.equal(404);
        expect(res.body.code).to.equal('MEMORY_NOT_FOUND');
      }
      expect((await s.request('PUT', '/api/memories/12345', { body: { content: 'x' } })).status).to.equal(400);
      expect((await s.request('GET', '/api/memories/mem_12345')).status).to.equal(400);
      expect((await s.request('GET', '/api/memories/mem_..%2Fx_0123456789ab')).status).to.equal(400);
      const m = (await add('2002', { content: 'x' })).body.data;
      expect((await s.request('PUT', `/api/memories/${m.id}`, { body: {} })).status).to.equal(400);
      expect((await s.request('PUT', `/api/memories/${m.id}`, { body: { category: 'nope' } })).status).to.equal(400);
      expect((await s.request('DELETE', `/api/memories/${m.id}?hard=maybe`)).status).to.equal(400);
    });

    it('takes memory ids only: a user id is a 400 and reads or deletes nothing (KERNEL.md §10.7)', async () => {
      const m = (await add('2003', { content: 'Plays the cello' })).body.data;
      for (const [method, path] of [['GET', '/api/memories/2003'], ['DELETE', '/api/memories/2003'], ['DELETE', '/api/memories/2003?hard=true']]) {
        const res = await s.request(method, path);
        expect(res.status, `${method} ${path}`).to.equal(400);
        expect(res.body.code, `${method} ${path}`).to.equal('VALIDATION_ERROR');
      }
      expect((await onDisk('2003')).map((x) => [x.id, x.isActive])).to.deep.equal([[m.id, true]]);
    });
  });

  describe('listing', () => {
    before(async () => {
      await add('3001', { content: 'Name is Mia', category: 'basic_info', subType: 'name' });
      await add('3001', { content: 'Loves jazz', category: 'preferences', subType: 'like', groupId: '900' });
      await add('3001', { content: 'Trip to Rome in June', category: 'events', subType: 'plan', groupId: '900', source: 'auto' });
      await add('3001', { content: 'Sister is Ana', category: 'relationships', groupId: '901' });
    });

    it('GET /user/:userId answers a tree of all six categories by default', async () => {
      const res = await s.request('GET', '/api/memories/user/3001');
      expect(res.status).to.equal(200);
      expect(Object.keys(res.body.data)).to.have.members(['basic_info', 'preferences', 'events', 'relationships', 'interests', 'custom']);
      expect(res.body.data.preferences.count).to.equal(1);
      expect(res.body.data.preferences.label).to.be.a('string');
      expect(res.body.data.preferences.items[0].content).to.equal('Loves jazz');
      expect(res.body.data.interests).to.deep.include({ count: 0, items: [] });
    });

    it('filters by category (alias too), group, source and sub-type, newest first', async () => {
      const list = async (q: string) => (await s.request('GET', `/api/memories/user/3001?format=list&${q}`)).body.data.map((m: { content: string }) => m.content);
      expect(await list('')).to.deep.equal(['Sister is Ana', 'Trip to Rome in June', 'Loves jazz', 'Name is Mia']);
      expect(await list('groupId=900')).to.deep.equal(['Trip to Rome in June', 'Loves jazz']);
      expect(await list('category=relation')).to.deep.equal(['Sister is Ana']);
      expect(await list('source=auto')).to.deep.equal(['Trip to Rome in June']);
      expect(await list('subType=name')).to.deep.equal(['Name is Mia']);
      expect(await list('limit=2')).to.have.length(2);
      expect((await s.request('GET', '/api/memories/user/3001?format=xml')).status).to.equal(400);
      expect((await s.request('GET', '/api/memories/user/3001?category=nope')).status).to.equal(400);
    });

    it('GET /user/:userId/category/:category, /user/:userId/group/:groupId and /group/:groupId', async () => {
      let res = await s.request('GET', '/api/memories/user/3001/category/events');
      expect(res.body.data.map((m: { content: string }) => m.content)).to.deep.equal(['Trip to Rome in June']);
      expect((await s.request('GET', '/api/memories/user/3001/category/nope')).status).to.equal(400);
      res = await s.request('GET', '/api/memories/user/3001/group/901');
      expect(res.body.data.map((m: { content: string }) => m.content)).to.deep.equal(['Sister is Ana']);
      await add('3002', { content: 'Plays chess', category: 'interests', groupId: '900' });
      res = await s.request('GET', '/api/memories/group/900');
      expect(res.body.data.map((m: { content: string }) => m.content)).to.have.members(['Plays chess', 'Trip to Rome in June', 'Loves jazz']);
      res = await s.request('GET', '/api/memories/group/900?userId=3002');
      expect(res.body.data.map((m: { content: string }) => m.content)).to.deep.equal(['Plays chess']);
    });

    it('GET /user/:userId/stats, /users, /stats and /categories', async () => {
      let res = await s.request('GET', '/api/memories/user/3001/stats');
      expect(res.body.data).to.include({ userId: '3001', total: 4, inactive: 0 });
      expect(res.body.data.byCategory).to.deep.equal({ basic_info: 1, preferences: 1, events: 1, relationships: 1 });
      res = await s.request('GET', '/api/memories/users');
      const user = res.body.data.find((u: { userId: string }) => u.userId === '3001');
      expect(user).to.include({ count: 4 });
      expect(user.categories).to.have.members(['basic_info', 'preferences', 'events', 'relationships']);
      res = await s.request('GET', '/api/memories/stats');
      expect(res.body.data.total).to.be.at.least(5);
      expect(res.body.data.users).to.be.at.least(2);
      expect(res.body.data.byCategory).to.have.all.keys('basic_info', 'preferences', 'events', 'relationships', 'interests', 'custom');
      res = await s.request('GET', '/api/memories/categories');
      expect(res.body.data.categories).to.deep.equal({
        BASIC_INFO: 'basic_info', PREFERENCES: 'preferences', EVENTS: 'events', RELATIONSHIPS: 'relationships', INTERESTS: 'interests', CUSTOM: 'custom',
      });
      expect(res.body.data.aliases).to.include({ profile: 'basic_info', topic: 'interests' });
    });
  });

  describe('DELETE /user/:userId', () => {
    it('soft-clears by default (the file keeps them, inactive) and hard=true removes the file', async () => {
      await add('4001', { content: 'One' });
      await add('4001', { content: 'Two different things' });
      let res = await s.request('DELETE', '/api/memories/user/4001');
      expect(res.body.data).to.deep.equal({ success: true, deletedCount: 2 });
      expect((await onDisk('4001')).every((m) => m.isActive === false)).to.equal(true);
      expect((await s.request('GET', '/api/memories/users')).body.data.map((u: { userId: string }) => u.userId)).not.to.include('4001');
      // A soft-deleted memory does not absorb a new one that says the same.
      expect((await add('4001', { content: 'One' })).status).to.equal(201);
      res = await s.request('DELETE', '/api/memories/user/4001?hard=true');
      expect(res.body.data).to.deep.equal({ success: true, deletedCount: 3 });
      await stat(userFile('4001')).then(
        () => expect.fail('hard clear must remove the file'),
        (err) => expect(err.code).to.equal('ENOENT'),
      );
    });

    it('DELETE /clear-all removes everything', async () => {
      const res = await s.request('DELETE', '/api/memories/clear-all');
      expect(res.status).to.equal(200);
      expect(res.body.data.deletedCount).to.be.at.least(5);
      expect((await s.request('GET', '/api/memories/stats')).body.data).to.include({ total: 0, users: 0 });
    });
  });
});
