import { expect } from 'chai';
import { readFile, stat, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore } from '../../../kernel/store.ts';
import { createLogger } from '../../../kernel/log.ts';
import { conversationStore } from '../../../lib/conversations/index.ts';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

/** The global configuration the server starts with (as a bot owner would have it in data/config.json). */
const GLOBAL = {
  presets: { defaultId: 'global-preset' },
  trigger: { prefixes: ['!g'], group: { at: false } },
  context: { maxMessages: 33 },
  // The test upstreams listen on loopback, which a group admin's base URL may reach only when the master allows it.
  builtinTools: { fetch: { allowedHosts: ['127.0.0.1'] } },
};

describe('group-admin: per-group settings', () => {
  let s: TestServer;
  let modules: ModulesDir;
  const groupFile = (id: string) => path.join(s.dataDir, 'groups', `${id}.json`);
  const onDisk = async (id: string) => JSON.parse(await readFile(groupFile(id), 'utf8'));

  before(async () => {
    modules = await makeModulesDir({ real: ['auth', 'system', 'group-admin', 'memory'] });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-test-'));
    await writeFile(path.join(dataDir, 'config.json'), JSON.stringify(GLOBAL));
    // Conversations as the chat module leaves them.
    const conversations = conversationStore(createStore(dataDir, createLogger('test', 'error')));
    await conversations.append('group:500', [{ role: 'user', content: 'hello from 500' }], { groupId: '500', userId: '1' });
    await conversations.append('group:500-b', [{ role: 'user', content: 'again from 500' }], { groupId: '500', userId: '2' });
    await conversations.append('group:501', [{ role: 'user', content: 'hello from 501' }], { groupId: '501', userId: '1' });
    s = await startServer({ modulesDir: modules.dir, dataDir });
  });
  after(async () => {
    await s?.stop();
    await modules?.cleanup();
  });

  describe('GET|PUT|DELETE /api/group-admin/:groupId/config', () => {
    it('answers the full default shape for a group that never set anything, without writing a file', async () => {
      const res = await s.request('GET', '/api/group-admin/100/config');
      expect(res.status).to.equal(200);
      const data = res.body.data;
      expect(data.groupId).to.equal('100');
      expect(data.enabled).to.equal(true);
      expect(data.listMode).to.equal('none');
      expect(data.chat).to.include({ enabled: true, contextLength: null });
      expect(data.emojiThief).to.include({ probability: 100, triggerRate: 5 });
      expect(data.independentChannel).to.include({ forbidGlobal: false, apiKey: '' });
      await stat(groupFile('100')).then(
        () => expect.fail('a read must not create the group file'),
        (err) => expect(err.code).to.equal('ENOENT'),
      );
    });

    it('deep-merges a partial update: absent keys keep their value', async () => {
      let res = await s.request('PUT', '/api/group-admin/101/config', { body: { groupName: 'Cats', chat: { contextLength: 5 } } });
      expect(res.status).to.equal(200);
      res = await s.request('PUT', '/api/group-admin/101/config', { body: { chat: { temperature: 0.3 } } });
      expect(res.status).to.equal(200);
      expect(res.body.data.groupName).to.equal('Cats');
      expect(res.body.data.chat).to.include({ contextLength: 5, temperature: 0.3, enabled: true });
      const disk = await onDisk('101');
      expect(disk.settings).to.deep.equal({ groupName: 'Cats', chat: { contextLength: 5, temperature: 0.3 } });
    });

    it('stores percentages as fractions and answers them as percentages', async () => {
      const res = await s.request('PUT', '/api/group-admin/102/config', { body: { emojiThief: { probability: 40, triggerRate: 12.5 } } });
      expect(res.body.data.emojiThief).to.include({ probability: 40, triggerRate: 12.5 });
      expect((await onDisk('102')).settings.emojiThief).to.deep.equal({ probability: 0.4, triggerRate: 0.125 });
    });

    it('keeps API keys out of every answer, in a 0600 file, and treats a masked key sent back as unchanged', async () => {
      const key = 'sk-abcdefghijklmnop1234';
      let res = await s.request('PUT', '/api/group-admin/103/config', {
        body: { independentChannel: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: key, channels: [{ id: 'c1', name: 'own', apiKey: 'sk-zyxwvutsrqpo9876' }] } },
      });
      expect(res.status).to.equal(200);
      expect(res.text).not.to.include(key).and.not.to.include('sk-zyxwvutsrqpo9876');
      expect(res.body.data.independentChannel.apiKey).to.equal('sk-****1234');
      expect(res.body.data.independentChannel.channels[0].apiKey).to.equal('sk-****9876');
      // The client sends the whole page back, masked keys included.
      res = await s.request('PUT', '/api/group-admin/103/config', { body: { ...res.body.data, groupName: 'renamed' } });
      expect(res.status).to.equal(200);
      const disk = await onDisk('103');
      expect(disk.settings.independentChannel.apiKey).to.equal(key);
      expect(disk.settings.independentChannel.channels[0].apiKey).to.equal('sk-zyxwvutsrqpo9876');
      expect(disk.settings.groupName).to.equal('renamed');
      expect((await stat(groupFile('103'))).mode & 0o777).to.equal(0o600);
      for (const p of ['/config', '/effective', '/channel']) {
        expect((await s.request('GET', `/api/group-admin/103${p}`)).text).not.to.include(key);
      }
    });

    it('rejects unknown keys and wrong types with the key named', async () => {
      let res = await s.request('PUT', '/api/group-admin/104/config', { body: { chat: { bogus: 1 } } });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('VALIDATION_ERROR');
      expect(res.body.details.map((d: { path: string }) => d.path)).to.include('body.chat.bogus');
      res = await s.request('PUT', '/api/group-admin/104/config', { body: { listMode: 'everyone', blacklist: 'x' } });
      expect(res.status).to.equal(400);
      const paths = res.body.details.map((d: { path: string }) => d.path);
      expect(paths).to.include('body.listMode').and.to.include('body.blacklist');
      res = await s.request('PUT', '/api/group-admin/104/config', { raw: '{"__proto__": {"enabled": false}}', headers: { 'content-type': 'application/json' } });
      expect(res.status).to.equal(400);
      res = await s.request('PUT', '/api/group-admin/104/config', { raw: '{nope', headers: { 'content-type': 'application/json' } });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('INVALID_JSON');
      await stat(groupFile('104')).then(
        () => expect.fail('a refused update must not write'),
        () => undefined,
      );
    });

    it('refuses group ids that are path tricks or too long', async () => {
      for (const id of ['..%2F..%2Fconfig', '..%2F', 'a.b', 'x'.repeat(65), '%20', '-lead']) {
        const res = await s.request('GET', `/api/group-admin/${id}/config`);
        expect(res.status, id).to.equal(400);
        expect(res.body.code, id).to.equal('VALIDATION_ERROR');
      }
    });

    it('DELETE resets the group to the defaults', async () => {
      await s.request('PUT', '/api/group-admin/105/config', { body: { enabled: false, blacklist: ['1'] } });
      const res = await s.request('DELETE', '/api/group-admin/105/config');
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ enabled: true });
      expect(res.body.data.blacklist).to.deep.equal([]);
      expect((await onDisk('105')).settings).to.deep.equal({});
    });
  });

  describe('GET /api/group-admin/:groupId/effective', () => {
    it('resolves each inherited key group → global config → default and says where it came from', async () => {
      await s.request('PUT', '/api/group-admin/200/config', { body: { presetId: 'group-preset', systemPrompt: '', triggers: { keywords: ['hi'] } } });
      const res = await s.request('GET', '/api/group-admin/200/effective');
      expect(res.status).to.equal(200);
      const { settings, sources } = res.body.data;
      expect(settings.presetId).to.equal('group-preset');
      expect(sources.presetId).to.equal('group');
      expect(settings.triggers.keywords).to.deep.equal(['hi']);
      expect(sources['triggers.keywords']).to.equal('group');
      expect(settings.triggers.prefix).to.deep.equal(['!g']);
      expect(sources['triggers.prefix']).to.equal('global');
      expect(settings.triggers.at).to.equal(false);
      expect(sources['triggers.at']).to.equal('global');
      expect(settings.chat.contextLength).to.equal(33);
      expect(sources['chat.contextLength']).to.equal('global');
      // Nothing in the global config for this one: the built-in default.
      expect(settings.models.image).to.equal('');
      expect(sources['models.image']).to.equal('default');
      // "" is an inherit marker, not a value.
      expect(sources.systemPrompt).not.to.equal('group');
    });

    it('"global", "default" and null mean inherit; a group value always wins over the global one', async () => {
      await s.request('PUT', '/api/group-admin/201/config', { body: { presetId: 'global', chat: { contextLength: 7 } } });
      let res = await s.request('GET', '/api/group-admin/201/effective');
      expect(res.body.data.settings.presetId).to.equal('global-preset');
      expect(res.body.data.settings.chat.contextLength).to.equal(7);
      await s.request('PUT', '/api/group-admin/201/config', { body: { presetId: 'default', chat: { contextLength: null } } });
      res = await s.request('GET', '/api/group-admin/201/effective');
      expect(res.body.data.settings.presetId).to.equal('global-preset');
      expect(res.body.data.settings.chat.contextLength).to.equal(33);
      expect(res.body.data.sources['chat.contextLength']).to.equal('global');
    });

    it('keeps each group to its own settings', async () => {
      await s.request('PUT', '/api/group-admin/300/config', { body: { presetId: 'p300', blacklist: ['1'] } });
      await s.request('PUT', '/api/group-admin/301/config', { body: { presetId: 'p301' } });
      const a = (await s.request('GET', '/api/group-admin/300/effective')).body.data.settings;
      const b = (await s.request('GET', '/api/group-admin/301/effective')).body.data.settings;
      expect(a.presetId).to.equal('p300');
      expect(b.presetId).to.equal('p301');
      expect(b.blacklist).to.deep.equal([]);
    });
  });

  describe('GET /api/group-admin', () => {
    it('lists every group with stored settings for the master', async () => {
      const res = await s.request('GET', '/api/group-admin');
      expect(res.status).to.equal(200);
      const ids = res.body.data.map((g: { groupId: string }) => g.groupId);
      expect(ids).to.include.members(['101', '103', '300', '301']);
      expect(ids).not.to.include('100');
      expect(res.body.data.find((g: { groupId: string }) => g.groupId === '101')).to.include({ groupName: 'Cats', enabled: true });
    });
  });

  describe('per-group resources', () => {
    it('blacklist: PUT replaces (ids stringified, duplicates dropped), add and remove', async () => {
      let res = await s.request('PUT', '/api/group-admin/400/blacklist', { body: { blacklist: [111, '222', '111'] } });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.deep.equal({ blacklist: ['111', '222'] });
      res = await s.request('POST', '/api/group-admin/400/blacklist/add', { body: { userId: 333 } });
      expect(res.body.data.blacklist).to.deep.equal(['111', '222', '333']);
      res = await s.request('POST', '/api/group-admin/400/blacklist/remove', { body: { userId: '111' } });
      expect(res.body.data.blacklist).to.deep.equal(['222', '333']);
      res = await s.request('GET', '/api/group-admin/400/blacklist');
      expect(res.body.data.blacklist).to.deep.equal(['222', '333']);
      expect((await onDisk('400')).settings.blacklist).to.deep.equal(['222', '333']);
      expect((await s.request('GET', '/api/group-admin/400/whitelist')).body.data).to.deep.equal({ whitelist: [] });
    });

    it('blacklist: refuses a non-array and an add without userId', async () => {
      expect((await s.request('PUT', '/api/group-admin/400/blacklist', { body: { blacklist: 'x' } })).status).to.equal(400);
      expect((await s.request('POST', '/api/group-admin/400/blacklist/add', { body: {} })).status).to.equal(400);
    });

    it('channel: keeps omitted and masked fields, DELETE clears the channel', async () => {
      let res = await s.request('PUT', '/api/group-admin/401/channel', { body: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-ownkey-0000000042', modelId: 'm1' } });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.include({ hasIndependentChannel: true, apiKey: 'sk-****0042', modelId: 'm1', adapterType: 'openai' });
      res = await s.request('PUT', '/api/group-admin/401/channel', { body: { apiKey: 'sk-****0042', modelId: 'm2' } });
      expect(res.body.data).to.include({ baseUrl: 'http://127.0.0.1:9/v1', modelId: 'm2' });
      expect((await onDisk('401')).settings.independentChannel.apiKey).to.equal('sk-ownkey-0000000042');
      expect((await s.request('PUT', '/api/group-admin/401/channel', { body: { baseUrl: 'ftp://x' } })).status).to.equal(400);
      res = await s.request('DELETE', '/api/group-admin/401/channel');
      expect(res.body.data).to.include({ hasIndependentChannel: false, baseUrl: '', apiKey: '' });
    });

    it('conversations: lists and deletes only the group’s own', async () => {
      let res = await s.request('GET', '/api/group-admin/500/conversations');
      expect(res.status).to.equal(200);
      expect(res.body.data.total).to.equal(2);
      expect(res.body.data.conversations.map((c: { id: string }) => c.id)).to.have.members(['group:500', 'group:500-b']);
      expect((await s.request('GET', '/api/group-admin/500/conversations?limit=1')).body.data.conversations).to.have.length(1);
      expect((await s.request('GET', '/api/group-admin/500/conversations?limit=x')).status).to.equal(400);
      res = await s.request('DELETE', '/api/group-admin/500/conversations');
      expect(res.body.data).to.deep.equal({ success: true, deletedCount: 2 });
      expect((await s.request('GET', '/api/group-admin/500/conversations')).body.data.total).to.equal(0);
      expect((await s.request('GET', '/api/group-admin/501/conversations')).body.data.total).to.equal(1);
    });

    it('memories: lists the live memories collected in the group', async () => {
      await s.request('POST', '/api/memories/user/11', { body: { content: 'Runs the quiz', category: 'events', groupId: '502' } });
      await s.request('POST', '/api/memories/user/12', { body: { content: 'Likes the quiz', category: 'preferences', groupId: '502' } });
      await s.request('POST', '/api/memories/user/12', { body: { content: 'Elsewhere', groupId: '503' } });
      const gone = (await s.request('POST', '/api/memories/user/13', { body: { content: 'Left the group', groupId: '502' } })).body.data;
      await s.request('DELETE', `/api/memories/${gone.id}`);
      const list = async (q = '') => (await s.request('GET', `/api/group-admin/502/memories${q}`)).body.data.map((m: { content: string }) => m.content);
      expect(await list()).to.deep.equal(['Likes the quiz', 'Runs the quiz']);
      expect(await list('?category=preference')).to.deep.equal(['Likes the quiz']);
      expect(await list('?userId=11')).to.deep.equal(['Runs the quiz']);
      expect(await list('?limit=1')).to.have.length(1);
      expect((await s.request('GET', '/api/group-admin/502/memories?category=nope')).status).to.equal(400);
    });

    describe('POST /:groupId/models/fetch', () => {
      let up: Upstream;
      const KEY = 'sk-group-own-key-5555';
      before(async () => {
        up = await startUpstream({ models: ['zeta-1', 'alpha-2', 'mid-3'] });
        await s.request('PUT', '/api/group-admin/410/channel', { body: { baseUrl: up.baseUrl('openai'), apiKey: KEY } });
      });
      after(async () => {
        await up?.close();
      });

      it('lists the upstream models sorted, resolving a masked key against the stored channel', async () => {
        const res = await s.request('POST', '/api/group-admin/410/models/fetch', { body: { baseUrl: up.baseUrl('openai'), apiKey: 'sk-****5555' } });
        expect(res.status, res.text).to.equal(200);
        expect(res.body.data).to.deep.equal(['alpha-2', 'mid-3', 'zeta-1']);
        const call = up.requests.find((r) => r.protocol === 'models');
        expect(call?.headers.authorization).to.equal(`Bearer ${KEY}`);
      });

      it('never sends a stored key to another base URL', async () => {
        up.reset();
        const other = up.baseUrl('openai').replace('/v1', '/other/v1');
        const res = await s.request('POST', '/api/group-admin/410/models/fetch', { body: { baseUrl: other, apiKey: 'sk-****5555' } });
        expect(res.status).to.equal(400);
        expect(res.body.details[0].path).to.equal('body.apiKey');
        expect(up.requests).to.have.length(0);
        // With the full key, any URL is the caller's business.
        const ok = await s.request('POST', '/api/group-admin/410/models/fetch', { body: { baseUrl: other, apiKey: 'sk-caller-own-key-1' } });
        expect(ok.status).to.equal(200);
      });

      it('refuses bad input and turns an upstream failure into 502', async () => {
        expect((await s.request('POST', '/api/group-admin/410/models/fetch', { body: { baseUrl: 'ftp://x', apiKey: 'k' } })).status).to.equal(400);
        expect((await s.request('POST', '/api/group-admin/410/models/fetch', { body: { baseUrl: up.baseUrl('openai') } })).status).to.equal(400);
        const res = await s.request('POST', '/api/group-admin/410/models/fetch', { body: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-whatever-123456' } });
        expect(res.status).to.equal(502);
        expect(res.body.code).to.equal('API_ERROR');
      });
    });

    it('usage-limit: GET has the default message, PUT validates and saves', async () => {
      let res = await s.request('GET', '/api/group-admin/402/usage-limit');
      expect(res.body.data).to.include({ groupId: '402', dailyGroupLimit: 0, dailyUserLimit: 0 });
      expect(res.body.data.limitMessage).to.be.a('string').and.not.be.empty;
      res = await s.request('PUT', '/api/group-admin/402/usage-limit', { body: { dailyGroupLimit: 100, dailyUserLimit: 10 } });
      expect(res.body.data).to.include({ dailyGroupLimit: 100, dailyUserLimit: 10 });
      expect((await s.request('PUT', '/api/group-admin/402/usage-limit', { body: { dailyGroupLimit: -1 } })).status).to.equal(400);
    });

    it('tools, triggers and preset are views of the same stored settings', async () => {
      let res = await s.request('PUT', '/api/group-admin/403/tools', { body: { enabled: false, disabledTools: ['web_search'] } });
      expect(res.body.data).to.deep.equal({ enabled: false, allowedCategories: null, disabledTools: ['web_search'], allowDangerous: null });
      res = await s.request('PUT', '/api/group-admin/403/triggers', { body: { prefix: ['#x'], at: true } });
      expect(res.body.data).to.deep.equal({ prefix: ['#x'], keywords: null, at: true, random: null });
      res = await s.request('PUT', '/api/group-admin/403/preset', { body: { presetId: 'cat' } });
      expect(res.body.data).to.deep.equal({ presetId: 'cat' });
      const config = (await s.request('GET', '/api/group-admin/403/config')).body.data;
      expect(config.tools).to.include({ enabled: false });
      expect(config.tools.blockedTools).to.deep.equal(['web_search']);
      expect(config.triggers.prefix).to.deep.equal(['#x']);
      expect(config.presetId).to.equal('cat');
      const eff = (await s.request('GET', '/api/group-admin/403/effective')).body.data;
      expect(eff.sources).to.include({ 'tools.enabled': 'group', 'triggers.prefix': 'group', 'triggers.at': 'group', presetId: 'group' });
      expect((await s.request('PUT', '/api/group-admin/403/tools', { body: { enabled: 'yes' } })).status).to.equal(400);
    });
  });
});
