/**
 * The original plugin's /api/context routes (docs/statistics.md#original-paths): served through the conversations
 * module's `originals` by its /context routes, answering like them, deprecated at both paths.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../kernel/log.ts';
import { createStore } from '../../../kernel/store.ts';
import { conversationStore } from '../../../lib/conversations/index.ts';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { deprecatedOperations, expectMasterOnly } from '../../support/original-paths.ts';
import { startServer, type TestServer } from '../../support/server.ts';

const MODULES = ['auth', 'conversations'];

/** Seeds conversations into a data dir before the server starts (the server is their only writer afterwards). */
async function seed(dataDir: string): Promise<void> {
  const conversations = conversationStore(createStore(dataDir, createLogger('seed', 'error')));
  await conversations.append('user:1', [{ role: 'user', content: 'hello', timestamp: 1000 }], { userId: '1' });
  await conversations.append('user:2', [{ role: 'user', content: 'bye', timestamp: 2000 }], { userId: '2' });
  await conversations.append('group:9', [{ role: 'user', content: 'weather?', timestamp: 3000 }], { groupId: '9' });
}

describe('/api/context (the original plugin\'s, deprecated)', () => {
  let s: TestServer;
  let modules: ModulesDir;
  let dataDir: string;
  let groupToken: string;
  const stored = async (key: string) => JSON.parse(await readFile(path.join(dataDir, 'conversations', `${key}.json`), 'utf8'));
  /** A refusal's message names the path asked; the rest must be the same. */
  const strip = (body: { success?: boolean; error?: string }) => (body.success === false ? { ...body, error: undefined } : body);

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'context-paths-'));
    await seed(dataDir);
    modules = await makeModulesDir({ real: MODULES });
    s = await startServer({ dataDir, modulesDir: modules.dir });
    groupToken = await s.loginAs({ groupId: '10001' });
  });
  after(async () => {
    await s?.stop();
    await modules?.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('GET /api/context/list answers like /api/conversations/context/list: master, group admin (403), no token (401)', async () => {
    const list = await s.request('GET', '/api/context/list');
    expect(list.status).to.equal(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).to.have.members(['user:1', 'user:2', 'group:9']);
    expect(list.body.data[0]).to.include.keys('id', 'lastUpdated');
    for (const token of [undefined, groupToken, null]) {
      const [a, b] = [await s.request('GET', '/api/context/list', { token }), await s.request('GET', '/api/conversations/context/list', { token })];
      expect(a.status).to.equal(b.status);
      expect(strip(a.body)).to.deep.equal(strip(b.body));
    }
    await expectMasterOnly(s, groupToken, [['GET', '/api/context/list']]);
  });

  it('POST /api/context/clear clears a user\'s private conversation on disk, answering like its target', async () => {
    const cleared = await s.request('POST', '/api/context/clear', { body: { userId: '2' } });
    expect(cleared.status).to.equal(200);
    expect(cleared.body.data).to.deep.equal({ conversationId: 'user:2', cleared: true });
    expect((await stored('user_3a2')).messages).to.deep.equal([]);
    const list = (await s.request('GET', '/api/context/list')).body.data.map((c: { id: string }) => c.id);
    expect(list).not.to.include('user:2');
    const byId = await s.request('POST', '/api/context/clear', { body: { conversationId: 'group:9' } });
    expect(byId.body.data).to.deep.equal({ conversationId: 'group:9', cleared: true });
    expect((await stored('group_3a9')).messages).to.deep.equal([]);
    const target = await s.request('POST', '/api/conversations/context/clear', { body: { userId: '2' } });
    const again = await s.request('POST', '/api/context/clear', { body: { userId: '2' } });
    expect([again.status, again.body]).to.deep.equal([target.status, target.body]);
  });

  it('POST /api/context/clear: 400 naming the field for bad input, 404 for an unknown conversation, 401 without a token, 403 for a group admin', async () => {
    for (const body of [{}, { userId: 5 }, { conversationId: '../x' }, { userId: '1', conversationId: 'user:1' }]) {
      const [a, b] = [await s.request('POST', '/api/context/clear', { body }), await s.request('POST', '/api/conversations/context/clear', { body })];
      expect(a.status, JSON.stringify(body)).to.equal(400);
      expect(a.body.code).to.equal('VALIDATION_ERROR');
      expect(a.body).to.deep.equal(b.body);
    }
    const bad = await s.request('POST', '/api/context/clear', { body: { userId: 5 } });
    expect(bad.body.details[0].path).to.equal('body.userId');
    const unknown = await s.request('POST', '/api/context/clear', { body: { userId: 'nobody' } });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.code).to.equal('CONVERSATION_NOT_FOUND');
    await expectMasterOnly(s, groupToken, [['POST', '/api/context/clear', { userId: '1' }]]);
    expect((await stored('user_3a1')).messages, 'refused requests cleared nothing').to.have.length(1);
  });

  it('is deprecated in the OpenAPI document, at both paths', async () => {
    expect(await deprecatedOperations(s, '/api/context/')).to.deep.equal(['GET /api/context/list', 'POST /api/context/clear']);
    // The conversations module's own routes (its per-conversation clear among them) stay current.
    expect(await deprecatedOperations(s, '/api/conversations')).to.deep.equal(['GET /api/conversations/context/list', 'POST /api/conversations/context/clear']);
  });
});
