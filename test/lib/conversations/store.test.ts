import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../kernel/log.ts';
import { createStore } from '../../../kernel/store.ts';
import { conversationStore, type ConversationStore } from '../../../lib/conversations/index.ts';
import { fileKey, isConversationId, shardOf } from '../../../lib/conversations/ids.ts';

const open = (dir: string) => conversationStore(createStore(dir, createLogger('test', 'error')));
const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

describe('lib/conversations', () => {
  let dir: string;
  let conversations: ConversationStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'conversations-'));
    conversations = open(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  describe('ids', () => {
    it('accepts the ids the bot makes and refuses path tricks', () => {
      for (const id of ['user:123', 'group:1:user:2', 'private:shared', 'a', 'x'.repeat(128)]) expect(isConversationId(id), id).to.equal(true);
      for (const id of ['', '../x', 'a/b', 'a\\b', 'x'.repeat(129), 'a b', 'ü', 'a\0b', 7]) expect(isConversationId(id), String(id)).to.equal(false);
    });

    it('encodes ids into distinct, store-safe file names', () => {
      expect(fileKey('group:1')).to.equal('group_3a1');
      expect(fileKey('..')).to.equal('_2e_2e');
      expect(fileKey('-a')).to.equal('_2da');
      expect(fileKey('a_3a')).to.not.equal(fileKey('a:'));
      const long = fileKey(':'.repeat(128));
      expect(long).to.match(/^_h[0-9a-f]{64}$/);
      expect(fileKey(':'.repeat(127) + '.')).to.not.equal(long);
    });

    it('spreads ids over 256 shards', () => {
      const shards = new Set(Array.from({ length: 5000 }, (_, i) => shardOf(`user:${i}`)));
      expect(shards.size).to.equal(256);
    });
  });

  it('appends messages and writes the conversation and its index shard to disk', async () => {
    const summary = await conversations.append('group:42:user:7', [
      { role: 'user', content: 'hello there' },
      { role: 'assistant', content: 'hi', model: 'm1', usage: { promptTokens: 3, completionTokens: 1, totalTokens: 4 }, timestamp: 5 },
    ], { userId: '7', groupId: '42' });
    expect(summary).to.include({ id: 'group:42:user:7', userId: '7', groupId: '42', messageCount: 2, lastMessage: 'hi' });

    const file = await readJson(path.join(dir, 'conversations', 'group_3a42_3auser_3a7.json'));
    expect(file.id).to.equal('group:42:user:7');
    expect(file.messages).to.have.length(2);
    expect(file.messages[0].timestamp).to.be.a('number').above(1e12);
    expect(file.messages[1]).to.deep.include({ timestamp: 5, model: 'm1' });
    const shard = await readJson(path.join(dir, 'conversation-index', `${shardOf('group:42:user:7')}.json`));
    expect(shard.conversations['group:42:user:7'].messageCount).to.equal(2);
  });

  it('keeps everything across a fresh store on the same folder', async () => {
    await conversations.append('user:1', [{ role: 'user', content: 'one' }], { userId: '1' });
    await conversations.append('user:1', [{ role: 'assistant', content: 'two', toolCalls: [{ id: 'c1', name: 'time', args: {} }] }]);
    const again = open(dir);
    const conversation = await again.get('user:1');
    expect(conversation?.userId).to.equal('1');
    expect(conversation?.messages.map((m) => m.content)).to.deep.equal(['one', 'two']);
    expect(conversation?.messages[1].toolCalls?.[0].name).to.equal('time');
  });

  it('returns the last messages with a limit, and nothing for unknown ids', async () => {
    await conversations.append('user:1', [1, 2, 3, 4].map((n) => ({ role: 'user' as const, content: `m${n}` })));
    expect((await conversations.messages('user:1', { limit: 2 })).map((m) => m.content)).to.deep.equal(['m3', 'm4']);
    expect(await conversations.messages('user:1', { limit: 0 })).to.deep.equal([]);
    expect(await conversations.messages('user:unknown')).to.deep.equal([]);
    expect(await conversations.get('user:unknown')).to.equal(undefined);
    expect(await readdir(path.join(dir, 'conversations'))).to.deep.equal(['user_3a1.json']);
  });

  it('refuses invalid ids before touching the store', async () => {
    for (const call of [() => conversations.append('../etc', [{ role: 'user', content: 'x' }]), () => conversations.get('a/b'), () => conversations.remove('')]) {
      let error: unknown;
      try {
        await call();
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(Error);
    }
  });

  it('lists newest first with filters, search and paging', async () => {
    await conversations.append('user:1', [{ role: 'user', content: 'About cats' }], { userId: '1' });
    await new Promise((r) => setTimeout(r, 5));
    await conversations.append('group:9:user:1', [{ role: 'user', content: 'About dogs' }], { userId: '1', groupId: '9' });
    await new Promise((r) => setTimeout(r, 5));
    await conversations.append('group:9', [{ role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'web_search', args: {} }] }], { groupId: '9' });

    const all = await conversations.list();
    expect(all.total).to.equal(3);
    expect(all.conversations.map((c) => c.id)).to.deep.equal(['group:9', 'group:9:user:1', 'user:1']);
    expect(all.conversations[0].lastMessage).to.equal('[tool call: web_search]');
    expect((await conversations.list({ userId: '1' })).conversations.map((c) => c.id)).to.deep.equal(['group:9:user:1', 'user:1']);
    expect((await conversations.list({ groupId: '9' })).total).to.equal(2);
    expect((await conversations.list({ search: 'CATS' })).conversations.map((c) => c.id)).to.deep.equal(['user:1']);
    const page = await conversations.list({ limit: 1, offset: 1 });
    expect(page).to.deep.include({ total: 3 });
    expect(page.conversations.map((c) => c.id)).to.deep.equal(['group:9:user:1']);
  });

  it('clears a context but keeps the conversation', async () => {
    await conversations.append('user:1', [{ role: 'user', content: 'x' }]);
    expect(await conversations.clear('user:1')).to.equal(true);
    expect(await conversations.clear('user:2')).to.equal(false);
    const file = await readJson(path.join(dir, 'conversations', 'user_3a1.json'));
    expect(file.messages).to.deep.equal([]);
    expect(file.clearedAt).to.be.a('number');
    expect((await conversations.summary('user:1'))?.messageCount).to.equal(0);
  });

  it('removes one conversation, its file and its index line', async () => {
    await conversations.append('user:1', [{ role: 'user', content: 'x' }]);
    await conversations.append('user:2', [{ role: 'user', content: 'y' }]);
    expect(await conversations.remove('user:1')).to.equal(true);
    expect(await conversations.remove('user:1')).to.equal(false);
    expect(await readdir(path.join(dir, 'conversations'))).to.deep.equal(['user_3a2.json']);
    expect((await conversations.list()).conversations.map((c) => c.id)).to.deep.equal(['user:2']);
    expect((await open(dir).list()).total).to.equal(1);
  });

  it('removes everything and counts what went', async () => {
    await conversations.append('user:1', [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }]);
    await conversations.append('user:2', [{ role: 'user', content: 'z' }]);
    expect(await conversations.removeAll()).to.deep.equal({ conversations: 2, messages: 3 });
    expect(await readdir(path.join(dir, 'conversations'))).to.deep.equal([]);
    expect((await conversations.list()).total).to.equal(0);
  });

  it('loses no message when appends to one conversation race', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => conversations.append('user:1', [{ role: 'user', content: `m${i}` }])));
    const stored = await open(dir).messages('user:1');
    expect(stored).to.have.length(20);
    expect((await conversations.summary('user:1'))?.messageCount).to.equal(20);
  });
});
