import { expect } from 'chai';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { channelDefaults } from '../../../lib/llm/index.ts';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

type Memory = { id: string; content: string; category: string; isActive: boolean; source: string; confidence: number };

async function startWith(modules: ModulesDir, files: Record<string, unknown>): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-test-'));
  for (const [name, data] of Object.entries(files)) await writeFile(path.join(dataDir, name), JSON.stringify(data), { mode: 0o600 });
  return startServer({ modulesDir: modules.dir, dataDir });
}

const onDisk = async (s: TestServer, userId: string) => JSON.parse(await readFile(path.join(s.dataDir, 'memories', `${userId}.json`), 'utf8')).memories as Memory[];

describe('memory: POST /user/:userId/summarize', () => {
  let modules: ModulesDir;
  before(async () => {
    modules = await makeModulesDir({ real: ['auth', 'system', 'memory'] });
  });
  after(async () => {
    await modules?.cleanup();
  });

  describe('without a channel', () => {
    let s: TestServer;
    before(async () => {
      s = await startWith(modules, { 'channels.json': { channels: [{ ...channelDefaults('openai'), id: 'off', name: 'off', apiKey: 'sk-disabled-000000', models: ['m'], enabled: false }] } });
    });
    after(async () => {
      await s?.stop();
    });

    it('merges duplicates: the more confident one survives, the others are deleted', async () => {
      const tea = (await s.request('POST', '/api/memories/user/8001', { body: { content: 'Likes tea', category: 'preferences', confidence: 0.9 } })).body.data;
      const coffee = (await s.request('POST', '/api/memories/user/8001', { body: { content: 'Likes coffee', category: 'preferences', confidence: 0.5 } })).body.data;
      await s.request('POST', '/api/memories/user/8001', { body: { content: 'Lives in Oslo', category: 'basic_info' } });
      // Edits can make two memories say the same thing.
      expect((await s.request('PUT', `/api/memories/${coffee.id}`, { body: { content: 'likes TEA.' } })).status).to.equal(200);

      const res = await s.request('POST', '/api/memories/user/8001/summarize', { body: {} });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.deep.include({ userId: '8001', originalCount: 3, finalCount: 2, mergedCount: 1, removedCount: 1 });
      expect(res.body.data.byCategory.preferences).to.deep.equal({ count: 1, original: 2, summarized: false });
      const stored = await onDisk(s, '8001');
      expect(stored.map((m) => m.id)).to.include(tea.id).and.not.include(coffee.id);
    });

    it('answers 503 CHANNEL_UNAVAILABLE for useLLM when no enabled channel exists, changing nothing', async () => {
      for (const content of ['One fact', 'Another fact']) await s.request('POST', '/api/memories/user/8002', { body: { content } });
      const first = (await onDisk(s, '8002'))[0];
      await s.request('PUT', `/api/memories/${first.id}`, { body: { content: 'another fact' } });
      const before = await onDisk(s, '8002');
      const res = await s.request('POST', '/api/memories/user/8002/summarize', { body: { useLLM: true } });
      expect(res.status).to.equal(503);
      expect(res.body.code).to.equal('CHANNEL_UNAVAILABLE');
      expect(await onDisk(s, '8002')).to.deep.equal(before);
    });

    it('refuses bad input', async () => {
      expect((await s.request('POST', '/api/memories/user/8001/summarize', { body: { useLLM: 'yes' } })).status).to.equal(400);
      expect((await s.request('POST', '/api/memories/user/mem_x/summarize', { body: {} })).status).to.equal(400);
    });
  });

  describe('with a channel on the local upstream', () => {
    let s: TestServer;
    let up: Upstream;
    const KEY = 'sk-memory-test-key-4242';
    const preferences = ['Likes tea', 'Likes green tea with honey', 'Enjoys hiking', 'Goes hiking on Sundays', 'Reads science fiction', 'Reads Asimov', 'Plays the piano'];

    before(async () => {
      up = await startUpstream({ models: ['mem-model'] });
      const channel = (id: string, priority: number, models: string[]) => ({
        ...channelDefaults('openai'),
        id,
        name: id,
        baseUrl: up.baseUrl('openai'),
        baseUrls: [up.baseUrl('openai')],
        apiKey: KEY,
        models,
        priority,
      });
      s = await startWith(modules, {
        'channels.json': { channels: [channel('first-but-other-model', 1, ['other-model']), channel('memory-channel', 50, ['mem-model'])] },
        'config.json': { memory: { model: 'mem-model' } },
      });
      for (const content of preferences) {
        expect((await s.request('POST', '/api/memories/user/9001', { body: { content, category: 'preferences', confidence: 0.8 } })).status).to.equal(201);
      }
      for (const content of ['Birthday on 3 May', 'Moves house in June']) await s.request('POST', '/api/memories/user/9001', { body: { content, category: 'events' } });
    });
    after(async () => {
      await s?.stop();
      await up?.close();
    });

    it('turns an upstream failure into 502 API_ERROR and keeps the memories', async () => {
      up.enqueue({ error: { status: 500, message: 'upstream broke' } });
      const res = await s.request('POST', '/api/memories/user/9001/summarize', { body: { useLLM: true } });
      expect(res.status).to.equal(502);
      expect(res.body.code).to.equal('API_ERROR');
      expect(res.body.error).to.include('upstream broke');
      expect((await onDisk(s, '9001')).filter((m) => m.isActive)).to.have.length(9);
    });

    it('masks the key in the 502 and the log when the upstream echoes it', async () => {
      up.enqueue((req) => ({ status: 200, raw: `ECHO auth=${req.headers.authorization}` }));
      const res = await s.request('POST', '/api/memories/user/9001/summarize', { body: { useLLM: true } });
      expect(res.status).to.equal(502);
      expect(res.body.error).to.include('ECHO auth=Bearer sk-****');
      expect(res.text + s.output()).not.to.include(KEY);
    });

    it('condenses categories of more than five memories through the channel that serves memory.model', async () => {
      up.reset();
      up.enqueue({ text: '- Likes tea, green with honey\n* Hikes, often on Sundays\n3. Reads science fiction (Asimov)\n\nPlays the piano' });
      const res = await s.request('POST', '/api/memories/user/9001/summarize', { body: { useLLM: true } });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.data).to.deep.include({ originalCount: 9, finalCount: 6, mergedCount: 0, removedCount: 3 });
      expect(res.body.data.byCategory).to.deep.equal({
        preferences: { count: 4, original: 7, summarized: true },
        events: { count: 2, original: 2, summarized: false },
      });

      expect(up.requests).to.have.length(1);
      const call = up.requests[0];
      expect(call.model).to.equal('mem-model');
      expect(call.headers.authorization).to.equal(`Bearer ${KEY}`);
      const prompt = call.body.messages.map((m: { content: string }) => m.content).join('\n');
      for (const p of preferences) expect(prompt).to.include(p);
      expect(prompt).not.to.include('Birthday');

      const stored = await onDisk(s, '9001');
      const live = stored.filter((m) => m.isActive && m.category === 'preferences');
      expect(live.map((m) => m.content)).to.have.members(['Likes tea, green with honey', 'Hikes, often on Sundays', 'Reads science fiction (Asimov)', 'Plays the piano']);
      expect(live.every((m) => m.source === 'summary' && m.confidence === 0.8)).to.equal(true);
      // The originals stay, soft-deleted.
      expect(stored.filter((m) => !m.isActive).map((m) => m.content)).to.have.members(preferences);
    });

    it('leaves categories of five or fewer alone (no upstream call)', async () => {
      up.reset();
      const res = await s.request('POST', '/api/memories/user/9001/summarize', { body: { useLLM: true } });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.deep.include({ originalCount: 6, finalCount: 6 });
      expect(up.requests).to.have.length(0);
    });
  });
});
