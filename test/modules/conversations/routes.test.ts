import { expect } from 'chai';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../kernel/log.ts';
import { createStore } from '../../../kernel/store.ts';
import { conversationStore } from '../../../lib/conversations/index.ts';
import { startServer, type TestServer } from '../../support/server.ts';

const exists = (file: string) => access(file).then(() => true, () => false);

/** Seeds conversations into a data dir before the server starts (the server is their only writer afterwards). */
async function seed(dataDir: string): Promise<void> {
  const conversations = conversationStore(createStore(dataDir, createLogger('seed', 'error')));
  await conversations.append('user:1', [{ role: 'user', content: 'Tell me about cats', timestamp: 1000 }, { role: 'assistant', content: 'Cats purr.', timestamp: 1001 }], { userId: '1' });
  await conversations.append('group:9', [{ role: 'user', content: 'Weather?', timestamp: 2000 }], { groupId: '9' });
  await conversations.append('group:9:user:1', [1, 2, 3, 4, 5].map((n) => ({ role: 'user' as const, content: `m${n}`, timestamp: 3000 + n })), { userId: '1', groupId: '9' });
  await conversations.append('user:2', [{ role: 'user', content: 'bye', timestamp: 500 }], { userId: '2' });
}

describe('conversations module', () => {
  let s: TestServer;
  let dataDir: string;
  const file = (key: string) => path.join(dataDir, 'conversations', `${key}.json`);

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'conversations-module-'));
    await seed(dataDir);
    s = await startServer({ dataDir });
  });
  after(async () => {
    await s?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('GET /api/conversations', () => {
    it('lists newest first with total and paging', async () => {
      const r = await s.request('GET', '/api/conversations');
      expect(r.status).to.equal(200);
      expect(r.body.success).to.equal(true);
      expect(r.body.data).to.include({ total: 4, limit: 50, offset: 0 });
      expect(r.body.data.conversations.map((c: { id: string }) => c.id)).to.have.members(['group:9:user:1', 'group:9', 'user:1', 'user:2']);
      expect(r.body.data.conversations[0]).to.include.keys('id', 'messageCount', 'updatedAt', 'lastMessage');
    });

    it('filters by userId, groupId and search', async () => {
      const byUser = await s.request('GET', '/api/conversations?userId=1');
      expect(byUser.body.data.conversations.map((c: { id: string }) => c.id)).to.have.members(['user:1', 'group:9:user:1']);
      const byGroup = await s.request('GET', '/api/conversations?groupId=9');
      expect(byGroup.body.data.total).to.equal(2);
      const bySearch = await s.request('GET', '/api/conversations?search=purr');
      expect(bySearch.body.data.conversations.map((c: { id: string }) => c.id)).to.deep.equal(['user:1']);
    });

    it('pages with limit and offset', async () => {
      const all = (await s.request('GET', '/api/conversations')).body.data.conversations.map((c: { id: string }) => c.id);
      const page = await s.request('GET', '/api/conversations?limit=2&offset=1');
      expect(page.body.data).to.include({ total: 4, limit: 2, offset: 1 });
      expect(page.body.data.conversations.map((c: { id: string }) => c.id)).to.deep.equal(all.slice(1, 3));
    });

    for (const bad of ['limit=0', 'limit=abc', 'limit=5000', 'offset=-1', 'userId=a%2Fb', 'unknown=1']) {
      it(`rejects ?${bad} with 400 VALIDATION_ERROR`, async () => {
        const r = await s.request('GET', `/api/conversations?${bad}`);
        expect(r.status).to.equal(400);
        expect(r.body.code).to.equal('VALIDATION_ERROR');
        expect(r.body.details[0].path).to.match(/^query\./);
      });
    }

    it('needs a token', async () => {
      const r = await s.request('GET', '/api/conversations', { token: null });
      expect(r.status).to.equal(401);
    });
  });

  describe('GET /api/conversations/list', () => {
    it('answers the original array of summaries', async () => {
      const r = await s.request('GET', '/api/conversations/list');
      expect(r.status).to.equal(200);
      expect(r.body.data).to.be.an('array').with.length(4);
      expect(r.body.data.find((c: { id: string }) => c.id === 'user:1')).to.include({ userId: '1', messageCount: 2, lastMessage: 'Cats purr.' });
    });
  });

  describe('GET /api/conversations/:id', () => {
    it('answers the conversation with its messages', async () => {
      const r = await s.request('GET', '/api/conversations/user:1');
      expect(r.status).to.equal(200);
      expect(r.body.data).to.include({ id: 'user:1', userId: '1', messageCount: 2 });
      expect(r.body.data.messages).to.deep.equal([
        { role: 'user', content: 'Tell me about cats', timestamp: 1000 },
        { role: 'assistant', content: 'Cats purr.', timestamp: 1001 },
      ]);
    });

    it('answers only the last messages with ?limit', async () => {
      const r = await s.request('GET', '/api/conversations/group:9:user:1?limit=2');
      expect(r.body.data.messageCount).to.equal(5);
      expect(r.body.data.messages.map((m: { content: string }) => m.content)).to.deep.equal(['m4', 'm5']);
    });

    it('answers 404 CONVERSATION_NOT_FOUND for an unknown id', async () => {
      const r = await s.request('GET', '/api/conversations/user:404');
      expect(r.status).to.equal(404);
      expect(r.body).to.include({ success: false, code: 'CONVERSATION_NOT_FOUND' });
    });

    for (const trick of ['..%2F..%2Fconfig', '..%2Fconversations%2Fuser_3a1', 'a%20b', '%00', 'x'.repeat(129)]) {
      it(`rejects the id ${trick.slice(0, 30)} with 400`, async () => {
        const r = await s.request('GET', `/api/conversations/${trick}`);
        expect(r.status).to.equal(400);
        expect(r.body.code).to.equal('VALIDATION_ERROR');
      });
    }
  });

  describe('GET /api/conversations/:id/messages', () => {
    it('answers the last messages, oldest first', async () => {
      const r = await s.request('GET', '/api/conversations/group:9:user:1/messages?limit=3');
      expect(r.status).to.equal(200);
      expect(r.body.data.map((m: { content: string }) => m.content)).to.deep.equal(['m3', 'm4', 'm5']);
    });

    it('rejects a bad limit and an unknown id', async () => {
      expect((await s.request('GET', '/api/conversations/user:1/messages?limit=-2')).status).to.equal(400);
      const r = await s.request('GET', '/api/conversations/user:404/messages');
      expect(r.status).to.equal(404);
      expect(r.body.code).to.equal('CONVERSATION_NOT_FOUND');
    });
  });

  describe('context', () => {
    it('GET /context/list lists conversations holding messages', async () => {
      const r = await s.request('GET', '/api/conversations/context/list');
      expect(r.status).to.equal(200);
      expect(r.body.data.map((c: { id: string }) => c.id)).to.include.members(['user:1', 'group:9']);
      expect(r.body.data[0]).to.include.keys('id', 'messageCount', 'lastUpdated');
    });

    it('POST /:id/clear drops the messages and keeps the conversation, on disk', async () => {
      const r = await s.request('POST', '/api/conversations/group:9/clear');
      expect(r.status).to.equal(200);
      expect(r.body.data).to.deep.equal({ id: 'group:9', cleared: true });
      const stored = JSON.parse(await readFile(file('group_3a9'), 'utf8'));
      expect(stored.messages).to.deep.equal([]);
      expect((await s.request('GET', '/api/conversations/group:9')).body.data.messageCount).to.equal(0);
      const contexts = await s.request('GET', '/api/conversations/context/list');
      expect(contexts.body.data.map((c: { id: string }) => c.id)).to.not.include('group:9');
    });

    it('POST /:id/clear answers 404 for an unknown id and 400 for a bad one', async () => {
      expect((await s.request('POST', '/api/conversations/user:404/clear')).body.code).to.equal('CONVERSATION_NOT_FOUND');
      expect((await s.request('POST', '/api/conversations/a%2Fb/clear')).status).to.equal(400);
    });

    it('POST /context/clear takes a userId (its private conversation) or a conversationId', async () => {
      const byUser = await s.request('POST', '/api/conversations/context/clear', { body: { userId: '2' } });
      expect(byUser.status).to.equal(200);
      expect(byUser.body.data).to.deep.equal({ conversationId: 'user:2', cleared: true });
      expect(JSON.parse(await readFile(file('user_3a2'), 'utf8')).messages).to.deep.equal([]);
      const byId = await s.request('POST', '/api/conversations/context/clear', { body: { conversationId: 'user:2' } });
      expect(byId.status).to.equal(200);
    });

    for (const [label, body] of [['an empty body', {}], ['both ids', { userId: '1', conversationId: 'user:1' }], ['a number', { userId: 5 }], ['a path', { conversationId: '../x' }]] as const) {
      it(`POST /context/clear rejects ${label}`, async () => {
        const r = await s.request('POST', '/api/conversations/context/clear', { body });
        expect(r.status).to.equal(400);
        expect(r.body.code).to.equal('VALIDATION_ERROR');
      });
    }

    it('POST /context/clear answers 404 for an unknown conversation', async () => {
      const r = await s.request('POST', '/api/conversations/context/clear', { body: { userId: 'nobody' } });
      expect(r.status).to.equal(404);
      expect(r.body.code).to.equal('CONVERSATION_NOT_FOUND');
    });
  });

  describe('DELETE /api/conversations/:id', () => {
    it('deletes the conversation and its file; a second delete is 404', async () => {
      expect(await exists(file('user_3a2'))).to.equal(true);
      const r = await s.request('DELETE', '/api/conversations/user:2');
      expect(r.status).to.equal(200);
      expect(r.body.data).to.deep.equal({ id: 'user:2', deleted: true });
      expect(await exists(file('user_3a2'))).to.equal(false);
      const again = await s.request('DELETE', '/api/conversations/user:2');
      expect(again.status).to.equal(404);
      expect(again.body.code).to.equal('CONVERSATION_NOT_FOUND');
    });

    it('rejects a path trick', async () => {
      expect((await s.request('DELETE', '/api/conversations/..%2Fconfig')).status).to.equal(400);
    });
  });

  describe('persistence', () => {
    it('keeps conversations, cleared contexts and deletions across a restart', async () => {
      await s.restart();
      const r = await s.request('GET', '/api/conversations');
      expect(r.body.data.conversations.map((c: { id: string }) => c.id)).to.have.members(['group:9:user:1', 'group:9', 'user:1']);
      expect((await s.request('GET', '/api/conversations/group:9')).body.data.messages).to.deep.equal([]);
      expect((await s.request('GET', '/api/conversations/user:1')).body.data.messages).to.have.length(2);
    });
  });

  describe('DELETE /api/conversations/clear-all', () => {
    it('deletes everything and counts the messages', async () => {
      const r = await s.request('DELETE', '/api/conversations/clear-all');
      expect(r.status).to.equal(200);
      expect(r.body.data).to.deep.equal({ deletedCount: 7, conversations: 3 });
      expect((await s.request('GET', '/api/conversations')).body.data.total).to.equal(0);
      expect(await exists(file('user_3a1'))).to.equal(false);
    });
  });
});
