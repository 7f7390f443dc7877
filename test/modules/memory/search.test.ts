import { expect } from 'chai';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';

describe('memory: search', () => {
  let s: TestServer;
  let modules: ModulesDir;
  const ids: Record<string, string> = {};
  const add = async (key: string, userId: string, body: Record<string, unknown>) => {
    const res = await s.request('POST', `/api/memories/user/${userId}`, { body });
    expect(res.status, key).to.equal(201);
    ids[key] = res.body.data.id;
  };
  const search = async (q: string) => {
    const res = await s.request('GET', `/api/memories/search?${q}`);
    expect(res.status, q).to.equal(200);
    return res.body.data as Array<{ id: string; content: string; score: number }>;
  };
  const keysOf = (list: Array<{ id: string }>) => list.map((m) => Object.keys(ids).find((k) => ids[k] === m.id));

  before(async () => {
    modules = await makeModulesDir({ real: ['auth', 'system', 'memory'] });
    s = await startServer({ modulesDir: modules.dir });
    await add('scattered', '6001', { content: 'Prefers tea over coffee; favourite colour green', category: 'preferences', confidence: 0.99 });
    await add('oneWord', '6001', { content: 'Likes black tea', category: 'preferences', confidence: 0.99 });
    await add('phraseLow', '6001', { content: 'Drinks green tea every morning', category: 'custom', confidence: 0.5 });
    await add('phraseStart', '6001', { content: 'Green tea lover', category: 'interests', confidence: 0.6 });
    await add('phraseHigh', '6001', { content: 'Buys green tea online', category: 'custom', confidence: 0.7, groupId: '42' });
    await add('phraseNewer', '6001', { content: 'Brews green tea at work', category: 'custom', confidence: 0.7 });
    await add('noMatch', '6001', { content: 'Plays football', category: 'interests' });
    await add('otherUser', '6002', { content: 'Grows green tea', category: 'custom', confidence: 0.1 });
    await add('deleted', '6001', { content: 'Once spilled green tea', category: 'events', confidence: 1 });
    expect((await s.request('DELETE', `/api/memories/${ids.deleted}`)).status).to.equal(200);
  });
  after(async () => {
    await s?.stop();
    await modules?.cleanup();
  });

  it('ranks the whole phrase first (at the start highest), then confidence, then recency; partial matches last', async () => {
    const found = await search('query=Green%20Tea&userId=6001');
    expect(keysOf(found)).to.deep.equal(['phraseStart', 'phraseNewer', 'phraseHigh', 'phraseLow', 'scattered', 'oneWord']);
    expect(found[0].score).to.be.greaterThan(found[1].score);
    expect(found[3].score).to.be.greaterThan(found[4].score);
    expect(found[4].score).to.be.greaterThan(found[5].score);
  });

  it('searches every user without userId, and filters by group and category', async () => {
    expect(keysOf(await search('query=green%20tea'))).to.include('otherUser');
    expect(keysOf(await search('query=green%20tea&groupId=42'))).to.deep.equal(['phraseHigh']);
    expect(keysOf(await search('query=tea&category=interests'))).to.deep.equal(['phraseStart']);
    expect((await s.request('GET', '/api/memories/search?query=tea&category=nope')).status).to.equal(400);
    expect(keysOf(await search('query=tea&category=topic'))).to.deep.equal(['phraseStart']);
  });

  it('never finds soft-deleted memories', async () => {
    expect(keysOf(await search('query=spilled'))).to.deep.equal([]);
  });

  it('honours limit and answers [] for queries under two characters', async () => {
    expect(await search('query=tea&limit=2')).to.have.length(2);
    expect(await search('query=t')).to.deep.equal([]);
    expect(await search('query=%20%20g%20')).to.deep.equal([]);
  });

  it('uses only the first 100 characters of a query', async () => {
    const query = 'green tea' + ' '.repeat(91) + 'zzzz-not-in-any-memory';
    expect(keysOf(await search(`query=${encodeURIComponent(query)}&userId=6001`))[0]).to.equal('phraseStart');
  });

  it('POST /search takes the same fields in the body', async () => {
    const res = await s.request('POST', '/api/memories/search', { body: { query: 'green tea', userId: '6001', limit: 3 } });
    expect(res.status).to.equal(200);
    expect(keysOf(res.body.data)).to.deep.equal(['phraseStart', 'phraseNewer', 'phraseHigh']);
  });

  it('refuses a missing query and bad fields with 400', async () => {
    expect((await s.request('GET', '/api/memories/search')).status).to.equal(400);
    expect((await s.request('POST', '/api/memories/search', { body: {} })).status).to.equal(400);
    expect((await s.request('POST', '/api/memories/search', { body: { query: 'tea', limit: 0 } })).status).to.equal(400);
    expect((await s.request('POST', '/api/memories/search', { body: { query: 'tea', userId: '../x' } })).status).to.equal(400);
    expect((await s.request('GET', '/api/memories/search?query=tea&limit=abc')).status).to.equal(400);
  });
});
