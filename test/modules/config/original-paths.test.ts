/**
 * The original plugin's config paths (docs/api.md#config, docs/statistics.md#original-paths): each answers
 * as the original's behaviour requires, with the contract's validation and masking, needs the master's
 * token, refuses bad input with a 4xx, and is marked deprecated in the OpenAPI document.
 */
import { expect } from 'chai';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';

/** [method, path, a valid body] of every operation served only because the original had it. */
const ORIGINAL: Array<[string, string, unknown?]> = [
  ['GET', '/api/config/advanced'],
  ['PUT', '/api/config/advanced', { update: { autoCheck: true } }],
  ['GET', '/api/config/triggers'],
  ['PUT', '/api/config/triggers', {}],
  ['PATCH', '/api/config/personality', {}],
  ['GET', '/api/config/links'],
  ['PUT', '/api/config/links', { publicUrl: '' }],
  ['GET', '/api/config/proactive-chat'],
  ['PUT', '/api/config/proactive-chat', {}],
  ['GET', '/api/config/init-status'],
  ['POST', '/api/config/init-complete'],
  ['POST', '/api/config/init-reset'],
  ['GET', '/api/config/tour-status/:tourId'],
  ['POST', '/api/config/tour-complete/:tourId'],
  ['POST', '/api/config/tour-skip/:tourId'],
  ['POST', '/api/config/tour-reset/:tourId'],
  ['POST', '/api/config/quick-setup', { triggerPrefixes: ['#chat'] }],
];

const SECRET = 'redis-Pa55word-never-shown';

describe('the original config paths (/api/config/advanced, triggers, links, wizard, tours, quick-setup)', () => {
  let s: TestServer;
  let mods: ModulesDir;
  let groupToken: string;
  const disk = async (name: string) => JSON.parse(await readFile(path.join(s.dataDir, name), 'utf8'));
  const get = async (p: string) => (await s.request('GET', p)).body.data;
  /** A refusal: its status, code and the paths its details name. */
  const refusal = async (method: string, p: string, body?: unknown) => {
    const res = await s.request(method, p, { body });
    return { status: res.status, code: res.body.code, paths: (res.body.details ?? []).map((d: { path: string }) => d.path) };
  };

  before(async () => {
    mods = await makeModulesDir({ real: ['auth', 'config', 'channels', 'presets'] });
    s = await startServer({ modulesDir: mods.dir });
    groupToken = await s.loginAs({ groupId: '10001' });
  });
  after(async () => {
    await s?.stop();
    await mods?.cleanup();
  });

  it('needs the master token for every one: 401 without a token, 403 for a group admin', async () => {
    for (const [method, p, body] of ORIGINAL) {
      const concrete = p.replace(':tourId', 'dashboard');
      expect((await s.request(method, concrete, { body, token: null })).status, `${method} ${p}`).to.equal(401);
      expect((await s.request(method, concrete, { body, token: groupToken })).status, `${method} ${p}`).to.equal(403);
    }
  });

  it('marks each deprecated in the OpenAPI document, and leaves the contract routes they sit beside undeprecated', async () => {
    const doc = (await s.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { deprecated?: boolean; summary?: string }>> };
    for (const [method, p] of ORIGINAL) {
      const op = doc.paths[p.replace(':tourId', '{tourId}')]?.[method.toLowerCase()];
      expect(op?.deprecated, `${method} ${p}`).to.equal(true);
    }
    expect(doc.paths['/api/config/{section}'].get.deprecated).to.equal(undefined);
    expect(doc.paths['/api/config/{section}'].put.deprecated).to.equal(undefined);
    expect(doc.paths['/api/config/advanced'].get.summary).to.include('llm, context, tools, proxy, web, redis, update');
  });

  describe('GET|PUT /api/config/advanced', () => {
    it('answers the seven sections as GET /api/config/:section shows them, the secret masked, and merges a change', async () => {
      expect((await s.request('PUT', '/api/config/redis', { body: { password: SECRET, port: 6380 } })).status).to.equal(200);
      const res = await s.request('GET', '/api/config/advanced');
      expect(res.status).to.equal(200);
      expect(res.body.data).to.have.all.keys('llm', 'context', 'tools', 'proxy', 'web', 'redis', 'update');
      for (const name of Object.keys(res.body.data)) expect(res.body.data[name], name).to.deep.equal(await get(`/api/config/${name}`));
      expect(res.text).to.not.include(SECRET);
      expect(res.body.data.redis.password).to.match(/\*{4}/);

      // The masked value sent back keeps the stored secret; keys left out keep their values.
      const put = await s.request('PUT', '/api/config/advanced', { body: { redis: { password: res.body.data.redis.password, db: 2 }, llm: { defaultModel: 'gpt-x' } } });
      expect(put.status).to.equal(200);
      expect(put.body.data.updated).to.have.members(['redis.db', 'llm.defaultModel']);
      expect(put.text).to.not.include(SECRET);
      const stored = await disk('config.json');
      expect(stored.redis).to.include({ password: SECRET, port: 6380, db: 2 });
      expect(stored.llm.defaultModel).to.equal('gpt-x');
      expect((await get('/api/config/llm')).embeddingModel).to.equal('text-embedding-004');
    });

    it('refuses other sections, secrets of web and bad values, naming the field, and changes nothing', async () => {
      expect(await refusal('PUT', '/api/config/advanced', { basic: { debug: true } })).to.deep.include({ status: 400, code: 'VALIDATION_ERROR', paths: ['body.basic'] });
      expect(await refusal('PUT', '/api/config/advanced', { redis: { port: 'high' }, llm: { defaultModel: 'changed' } })).to.deep.include({ status: 400, code: 'VALIDATION_ERROR', paths: ['redis.port'] });
      expect((await refusal('PUT', '/api/config/advanced', { web: { jwtSecret: 'x' } })).status).to.equal(400);
      expect((await refusal('PUT', '/api/config/advanced', {})).status).to.equal(400);
      expect((await refusal('PUT', '/api/config/advanced', [])).status).to.equal(400);
      expect((await get('/api/config/llm')).defaultModel).to.equal('gpt-x');
    });
  });

  describe('GET|PUT /api/config/triggers', () => {
    it('answers the trigger section, and PUT replaces it (keys left out take their defaults)', async () => {
      await s.request('PUT', '/api/config', { body: { 'trigger.keywords': ['hello'] } });
      expect(await get('/api/config/triggers')).to.deep.equal(await get('/api/config/trigger'));
      const put = await s.request('PUT', '/api/config/triggers', { body: { prefixes: ['#x'], group: { at: false } } });
      expect(put.status).to.equal(200);
      const trigger = await get('/api/config/triggers');
      expect(trigger).to.deep.include({ prefixes: ['#x'], keywords: [] });
      expect(trigger.group).to.include({ at: false, prefix: true });
      expect((await disk('config.json')).trigger.prefixes).to.deep.equal(['#x']);
    });

    it('refuses a bad value or a body that is not an object', async () => {
      expect(await refusal('PUT', '/api/config/triggers', { group: { randomRate: 2 } })).to.deep.include({ status: 400, code: 'VALIDATION_ERROR', paths: ['trigger.group.randomRate'] });
      expect((await refusal('PUT', '/api/config/triggers', ['#x'])).status).to.equal(400);
      expect((await get('/api/config/triggers')).prefixes).to.deep.equal(['#x']);
    });
  });

  describe('PATCH /api/config/personality', () => {
    it('merges: keys left out keep their values', async () => {
      expect((await s.request('PATCH', '/api/config/personality', { body: { useIndependent: false } })).status).to.equal(200);
      expect((await s.request('PATCH', '/api/config/personality', { body: { priority: ['user', 'default'] } })).status).to.equal(200);
      expect(await get('/api/config/personality')).to.deep.include({ useIndependent: false, priority: ['user', 'default'] });
      expect(await refusal('PATCH', '/api/config/personality', { priority: ['nobody'] })).to.deep.include({ status: 400, code: 'VALIDATION_ERROR', paths: ['personality.priority.0'] });
    });
  });

  describe('GET|PUT /api/config/links', () => {
    it('answers web.loginLinks and web.publicUrl and sets either', async () => {
      expect(await get('/api/config/links')).to.deep.equal({ loginLinks: [], publicUrl: '' });
      expect((await s.request('PUT', '/api/config/links', { body: { publicUrl: 'https://bot.example' } })).status).to.equal(200);
      const links = [{ label: 'home', baseUrl: 'https://home.example' }];
      expect((await s.request('PUT', '/api/config/links', { body: { loginLinks: links } })).status).to.equal(200);
      expect(await get('/api/config/links')).to.deep.equal({ loginLinks: links, publicUrl: 'https://bot.example' });
      expect((await disk('config.json')).web).to.deep.include({ publicUrl: 'https://bot.example', loginLinks: links });
    });

    it('refuses a bad link, another key, or nothing to set', async () => {
      expect(await refusal('PUT', '/api/config/links', { loginLinks: [{ label: 'x', baseUrl: 'ftp://x' }] })).to.deep.include({ status: 400, paths: ['web.loginLinks.0.baseUrl'] });
      expect(await refusal('PUT', '/api/config/links', { port: 1 })).to.deep.include({ status: 400, paths: ['body.port'] });
      expect((await refusal('PUT', '/api/config/links', {})).status).to.equal(400);
    });
  });

  describe('GET|PUT /api/config/proactive-chat', () => {
    it('answers the proactiveChat section and merges a change', async () => {
      expect(await get('/api/config/proactive-chat')).to.deep.equal(await get('/api/config/proactiveChat'));
      expect((await s.request('PUT', '/api/config/proactive-chat', { body: { enabled: true, cooldownMinutes: 5 } })).status).to.equal(200);
      expect((await s.request('PUT', '/api/config/proactive-chat', { body: { maxDailyMessages: 3 } })).status).to.equal(200);
      expect(await get('/api/config/proactive-chat')).to.deep.include({ enabled: true, cooldownMinutes: 5, maxDailyMessages: 3, pollInterval: 5 });
      expect(await refusal('PUT', '/api/config/proactive-chat', { baseProbability: 3 })).to.deep.include({ status: 400, paths: ['proactiveChat.baseProbability'] });
    });
  });

  it('leaves GET|PUT /api/config/context and /admin to the contract: PUT replaces the section', async () => {
    await s.request('PUT', '/api/config', { body: { 'context.maxMessages': 40 } });
    expect((await s.request('PUT', '/api/config/context', { body: { maxTokens: 5000 } })).status).to.equal(200);
    expect(await get('/api/config/context')).to.deep.include({ maxTokens: 5000, maxMessages: 20 });
    await s.request('PUT', '/api/config', { body: { 'admin.loginNotifyPrivate': false } });
    expect((await s.request('PUT', '/api/config/admin', { body: { masterQQ: ['1'] } })).status).to.equal(200);
    expect(await get('/api/config/admin')).to.deep.include({ masterQQ: ['1'], loginNotifyPrivate: true });
  });

  describe('the first-run wizard: init-status, init-complete, init-reset', () => {
    it('reports what is set up, and records completion in the system section', async () => {
      const status = await get('/api/config/init-status');
      expect(status).to.deep.include({ initCompleted: false, initCompletedAt: null, hasChannels: false, channelsCount: 0, hasDefaultModel: true, defaultModel: 'gpt-x', hasPresets: true });
      expect(status.steps).to.deep.equal({ channel: false, model: true, preset: true, trigger: true });

      const done = await s.request('POST', '/api/config/init-complete');
      expect(done.status).to.equal(200);
      expect(done.body.data.initCompleted).to.equal(true);
      expect(Date.parse(done.body.data.initCompletedAt)).to.be.closeTo(Date.now(), 60_000);
      expect((await disk('config.json')).system).to.include({ initCompleted: true, initCompletedAt: done.body.data.initCompletedAt });
      expect(await get('/api/config/init-status')).to.include({ initCompleted: true });

      expect((await s.request('POST', '/api/config/init-reset')).body.data).to.deep.equal({ initCompleted: false, initCompletedAt: null });
      expect((await disk('config.json')).system.initCompleted).to.equal(false);
    });
  });

  describe('UI tours: tour-status, tour-complete, tour-skip, tour-reset', () => {
    it('keeps each tour\'s state in system.tours', async () => {
      const blank = { tourId: 'channels', completed: false, skipped: false, completedAt: null, skippedAt: null };
      expect(await get('/api/config/tour-status/channels')).to.deep.equal(blank);

      const completed = (await s.request('POST', '/api/config/tour-complete/channels')).body.data;
      expect(completed).to.include({ tourId: 'channels', completed: true, skipped: false, skippedAt: null });
      expect(completed.completedAt).to.be.a('string');
      expect((await disk('config.json')).system.tours.channels).to.include({ completed: true });
      expect(await get('/api/config/tour-status/channels')).to.deep.equal(completed);

      const skipped = (await s.request('POST', '/api/config/tour-skip/channels')).body.data;
      expect(skipped).to.include({ completed: false, skipped: true, completedAt: null });
      expect(skipped.skippedAt).to.be.a('string');
      expect((await get('/api/config/tour-status/other')).completed).to.equal(false);

      expect((await s.request('POST', '/api/config/tour-reset/channels')).body.data).to.deep.equal(blank);
      expect((await disk('config.json')).system.tours).to.not.have.property('channels');
    });

    it('refuses a tour id that is not a plain name', async () => {
      for (const id of ['a.b', 'constructor', '__proto__', '-x', 'x'.repeat(65)]) {
        expect(await refusal('POST', `/api/config/tour-complete/${id}`), id).to.deep.include({ status: 400, code: 'VALIDATION_ERROR', paths: ['params.tourId'] });
        expect((await refusal('GET', `/api/config/tour-status/${id}`)).status, id).to.equal(400);
      }
      expect((await disk('config.json')).system.tours).to.deep.equal({});
    });
  });

  describe('POST /api/config/quick-setup', () => {
    const key = 'sk-quick-setup-key-0123456789';

    it('refuses bad input and then changes nothing', async () => {
      const before = await disk('config.json');
      expect((await refusal('POST', '/api/config/quick-setup', {})).status).to.equal(400);
      expect(await refusal('POST', '/api/config/quick-setup', { channel: { baseUrl: 'https://x.example' }, model: 'm' })).to.deep.include({ status: 400, paths: ['body.channel.name'] });
      expect(await refusal('POST', '/api/config/quick-setup', { channel: { name: 'n', adapterType: 'other' } })).to.deep.include({ status: 400, paths: ['body.channel.adapterType'] });
      expect(await refusal('POST', '/api/config/quick-setup', { triggerPrefixes: [''] })).to.deep.include({ status: 400, paths: ['body.triggerPrefixes.0'] });
      // A masked key matches no stored key: the channel is refused, and the model with it.
      expect(await refusal('POST', '/api/config/quick-setup', { channel: { name: 'n', apiKey: 'sk-****abcd' }, model: 'other' })).to.deep.include({ status: 400, paths: ['body.channel.apiKey'] });
      expect(await disk('config.json')).to.deep.equal(before);
      expect((await get('/api/channels')).length).to.equal(0);
    });

    it('creates the channel as the channels module stores it, and sets the default model and the prefixes', async () => {
      const res = await s.request('POST', '/api/config/quick-setup', {
        body: { channel: { name: 'Main', baseUrl: 'https://up.example', apiKey: key, models: ['m-1'] }, model: 'm-1', triggerPrefixes: ['#q'], preset: 'ignored' },
      });
      expect(res.status).to.equal(200);
      expect(res.text).to.not.include(key);
      const channel = res.body.data.channel;
      expect(channel.id).to.match(/^quick-setup-\d+$/);
      expect(channel).to.include({ name: 'Main', adapterType: 'openai', baseUrl: 'https://up.example/v1', priority: 0, enabled: true });
      expect(channel.apiKey).to.match(/\*{4}/);
      expect(res.body.data.updated).to.have.members(['llm.defaultModel', 'trigger.prefixes']);

      // The channels module serves it at once, as one of its own.
      expect(await get(`/api/channels/${channel.id}`)).to.deep.equal(channel);
      const file = path.join(s.dataDir, 'channels.json');
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      expect((await disk('channels.json')).channels[0]).to.include({ id: channel.id, apiKey: key });
      expect(await get('/api/config/llm')).to.include({ defaultModel: 'm-1' });
      expect((await get('/api/config/trigger')).prefixes).to.deep.equal(['#q']);
      expect(await get('/api/config/init-status')).to.deep.include({ hasChannels: true, channelsCount: 1 });

      // A second one gets its own id; settings alone create no channel.
      const second = (await s.request('POST', '/api/config/quick-setup', { body: { channel: { name: 'Two', apiKey: key } } })).body.data.channel;
      expect(second.id).to.not.equal(channel.id);
      const onlySettings = (await s.request('POST', '/api/config/quick-setup', { body: { model: 'm-2' } })).body.data;
      expect(onlySettings).to.deep.include({ channel: null, updated: ['llm.defaultModel'] });
      expect((await get('/api/channels')).length).to.equal(2);
    });

    /** Runs `fn` while the file `name` in DATA_DIR is a directory, so that writing it fails for real; then puts the file back. */
    const unwritable = async (name: string, fn: () => Promise<void>) => {
      const file = path.join(s.dataDir, name);
      const text = await readFile(file, 'utf8');
      await rm(file);
      await mkdir(file);
      try {
        await fn();
      } finally {
        await rm(file, { recursive: true });
        await writeFile(file, text, { mode: 0o600 });
      }
    };

    it('changes nothing on disk when the channel or the settings cannot be written: a 500 envelope, never half a setup', async () => {
      const body = { channel: { name: 'Half', apiKey: key }, model: 'm-half', triggerPrefixes: ['#half'] };
      const [config, channels] = [await readFile(path.join(s.dataDir, 'config.json'), 'utf8'), await readFile(path.join(s.dataDir, 'channels.json'), 'utf8')];
      const expectFailed = async () => {
        const res = await s.request('POST', '/api/config/quick-setup', { body });
        expect(res.status).to.equal(500);
        expect(res.body).to.deep.include({ success: false, code: 'INTERNAL_ERROR' });
      };
      await unwritable('channels.json', async () => {
        await expectFailed();
        expect(await readFile(path.join(s.dataDir, 'config.json'), 'utf8')).to.equal(config);
      });
      await unwritable('config.json', async () => {
        await expectFailed();
        expect(await readFile(path.join(s.dataDir, 'channels.json'), 'utf8')).to.equal(channels);
      });
      expect((await get('/api/channels')).map((ch: { name: string }) => ch.name)).to.not.include('Half');
      expect(await get('/api/config/llm')).to.not.include({ defaultModel: 'm-half' });
    });
  });
});
