import { expect } from 'chai';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { eventually, makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('config module (/api/config)', () => {
  let s: TestServer;
  let mods: ModulesDir;
  let file: string;
  const yaml = (text: string) => ({ raw: text, headers: { 'content-type': 'text/yaml' } });
  const disk = async () => JSON.parse(await readFile(file, 'utf8'));

  before(async () => {
    // memory: its section is one of those written here.
    mods = await makeModulesDir({ real: ['auth', 'system', 'config', 'memory'] });
    s = await startServer({ modulesDir: mods.dir, env: { BODY_LIMIT: '64kb' } });
    file = path.join(s.dataDir, 'config.json');
  });
  after(async () => {
    await s?.stop();
    await mods?.cleanup();
  });

  describe('GET /api/config', () => {
    it('answers the whole configuration with defaults and no secrets', async () => {
      const res = await s.request('GET', '/api/config');
      expect(res.status).to.equal(200);
      const config = res.body.data;
      expect(config.trigger.prefixes).to.deep.equal(['#chat']);
      expect(config.builtinTools.fetch).to.include({ allowPrivateNetwork: false, maxBytes: 1048576, timeoutMs: 10000 });
      expect(config.web).to.not.have.any.keys('jwtSecret', 'permanentAuthToken', 'groupAdminSecret');
    });

    it('is for the master only', async () => {
      const groupToken = await s.loginAs({ groupId: 'g1' });
      expect((await s.request('GET', '/api/config', { token: groupToken })).status).to.equal(403);
      expect((await s.request('GET', '/api/config', { token: null })).status).to.equal(401);
    });
  });

  describe('PUT /api/config', () => {
    it('deep-merges a partial object (keys may be dotted) and answers the changed paths', async () => {
      const res = await s.request('PUT', '/api/config', { body: { trigger: { group: { at: false } }, 'context.maxMessages': 31 } });
      expect(res.status).to.equal(200);
      expect(res.body.data.updated).to.have.members(['trigger.group.at', 'context.maxMessages']);
      expect(res.body.data.version).to.be.a('number');
      const after = (await s.request('GET', '/api/config/trigger')).body.data;
      expect(after.group).to.include({ at: false, prefix: true });
      expect((await disk()).context.maxMessages).to.equal(31);
    });

    it('takes {path, value} and POST as well', async () => {
      const res = await s.request('PUT', '/api/config', { body: { path: 'trigger.prefixes', value: ['#ai'] } });
      expect(res.body.data.updated).to.deep.equal(['trigger.prefixes']);
      const post = await s.request('POST', '/api/config', { body: { 'basic.debug': true } });
      expect(post.body.data.updated).to.deep.equal(['basic.debug']);
      expect((await disk()).basic.debug).to.equal(true);
    });

    it('answers 400 VALIDATION_ERROR with a detail per bad value, and writes nothing', async () => {
      const before = await readFile(file, 'utf8');
      const res = await s.request('PUT', '/api/config', { body: { trigger: { group: { at: 'yes' } }, context: { maxMessages: -1 }, nope: {} } });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('VALIDATION_ERROR');
      expect(res.body.details.map((d: { path: string }) => d.path)).to.have.members(['trigger.group.at', 'context.maxMessages', 'nope']);
      expect(await readFile(file, 'utf8')).to.equal(before);
    });

    it('refuses prototype keys, secrets, non-objects and malformed JSON with a 400', async () => {
      const cases: Array<[string, string]> = [
        ['{"__proto__": {"polluted": true}}', 'INVALID_JSON'],
        ['{"trigger": {"constructor": {"prototype": {"polluted": true}}}}', 'VALIDATION_ERROR'],
        ['{"constructor.prototype.polluted": true}', 'VALIDATION_ERROR'],
        ['{"web": {"jwtSecret": "mine"}}', 'VALIDATION_ERROR'],
        ['[1, 2]', 'VALIDATION_ERROR'],
        ['{"trigger": ', 'INVALID_JSON'],
      ];
      for (const [raw, code] of cases) {
        const res = await s.request('PUT', '/api/config', { raw, headers: { 'content-type': 'application/json' } });
        expect(res.status, raw).to.equal(400);
        expect(res.body.code, raw).to.equal(code);
      }
      expect((await s.request('GET', '/api/config/web')).body.data).to.not.have.property('jwtSecret');
    });

    it('answers 413 for an oversized body', async () => {
      const res = await s.request('PUT', '/api/config', { body: { context: { globalSystemPrompt: 'x'.repeat(100 * 1024) } } });
      expect(res.status).to.equal(413);
      expect(res.body.code).to.equal('PAYLOAD_TOO_LARGE');
    });
  });

  describe('GET|PUT /api/config/:section', () => {
    it('replaces a section, filling left-out keys with defaults', async () => {
      const res = await s.request('PUT', '/api/config/memory', { body: { enabled: true, maxMemories: 99 } });
      expect(res.status).to.equal(200);
      const memory = (await s.request('GET', '/api/config/memory')).body.data;
      expect(memory).to.include({ enabled: true, maxMemories: 99, storage: 'database' });
      const list = await s.request('PUT', '/api/config/toolGroups', { body: [{ name: 'only' }] });
      expect(list.status).to.equal(200);
      expect((await s.request('GET', '/api/config/toolGroups')).body.data).to.deep.equal([{ name: 'only', tools: [] }]);
    });

    it('answers 404 SECTION_NOT_FOUND for an unknown section and 400 for a bad one', async () => {
      for (const method of ['GET', 'PUT']) {
        const res = await s.request(method, '/api/config/nosuch', method === 'PUT' ? { body: {} } : {});
        expect(res.status).to.equal(404);
        expect(res.body.code).to.equal('SECTION_NOT_FOUND');
      }
      const bad = await s.request('PUT', '/api/config/memory', { body: { enabled: 'on' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.details).to.deep.equal([{ path: 'memory.enabled', message: 'must be boolean' }]);
    });
  });

  describe('export and import', () => {
    it('exports YAML that imports back to the same configuration', async () => {
      const exported = await s.request('GET', '/api/config/export');
      expect(exported.status).to.equal(200);
      expect(exported.headers.get('content-type')).to.match(/^text\/yaml/);
      expect(YAML.parse(exported.text)).to.deep.equal((await s.request('GET', '/api/config')).body.data);

      await s.request('PUT', '/api/config', { body: { 'trigger.keywords': ['changed'], 'basic.commandPrefix': '#zz' } });
      const res = await s.request('POST', '/api/config/import', yaml(exported.text));
      expect(res.status).to.equal(200);
      expect(res.body.data.updated).to.have.members(['trigger.keywords', 'basic.commandPrefix']);
      expect(YAML.parse((await s.request('GET', '/api/config/export')).text)).to.deep.equal(YAML.parse(exported.text));
      expect((await s.request('POST', '/api/config/import', yaml(exported.text))).body.data.updated).to.deep.equal([]);
    });

    it('imports a JSON body too, replacing what it leaves out with defaults', async () => {
      const res = await s.request('POST', '/api/config/import', { body: { trigger: { prefixes: ['#json'] } } });
      expect(res.status).to.equal(200);
      const config = (await s.request('GET', '/api/config')).body.data;
      expect(config.trigger.prefixes).to.deep.equal(['#json']);
      expect(config.memory.maxMemories).to.equal(50);
    });

    it('refuses YAML that is not plain data (an alias to itself, a binary tag) and JSON nested too deep, writing nothing', async () => {
      const before = await readFile(file, 'utf8');
      for (const [text, reason] of [
        ['a: &a [*a]\n', /a\[0\] refers to itself/],
        ['basic: !!binary aGVsbG8=\n', /basic is not plain JSON data \((Buffer|Uint8Array)\)/],
      ] as const) {
        for (const route of ['/api/config/import', '/api/config/validate']) {
          const res = await s.request('POST', route, yaml(text));
          expect(res.status, `${route} ${text}`).to.equal(400);
          expect(res.body.code).to.equal('VALIDATION_ERROR');
          expect(res.body.error).to.match(reason);
        }
      }
      const deep = '{"basic":' + '{"a":'.repeat(2000) + '1' + '}'.repeat(2001);
      for (const [method, route] of [['PUT', '/api/config'], ['POST', '/api/config/import'], ['POST', '/api/config/validate'], ['PUT', '/api/config/presets']]) {
        const res = await s.request(method, route, { raw: deep, headers: { 'content-type': 'application/json' } });
        expect(res.status, route).to.equal(400);
        expect(res.body.error).to.match(/nested more than 64 levels deep/);
      }
      expect(await readFile(file, 'utf8')).to.equal(before);
    });

    it('answers 400 PARSE_ERROR with line and column for bad YAML, writing nothing', async () => {
      const before = await readFile(file, 'utf8');
      const res = await s.request('POST', '/api/config/import', yaml('trigger:\n  prefixes: [\n    "#a"\nbasic: 1\n'));
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('PARSE_ERROR');
      expect(res.body.line).to.be.a('number').greaterThan(1);
      expect(res.body.column).to.be.a('number');
      expect(res.body.error).to.match(/line \d+, column \d+/);
      expect(await readFile(file, 'utf8')).to.equal(before);
    });

    it('validates before writing anything, and refuses prototype keys, lists and empty bodies', async () => {
      const before = await readFile(file, 'utf8');
      const invalid = await s.request('POST', '/api/config/import', yaml('trigger:\n  group:\n    at: maybe\n'));
      expect(invalid.status).to.equal(400);
      expect(invalid.body.details).to.deep.equal([{ path: 'trigger.group.at', message: 'must be boolean' }]);
      for (const text of ['__proto__:\n  polluted: true\n', 'trigger:\n  prototype: 1\n', '- a\n- b\n', '']) {
        const res = await s.request('POST', '/api/config/import', yaml(text));
        expect(res.status, text).to.equal(400);
      }
      expect(await readFile(file, 'utf8')).to.equal(before);
    });
  });

  describe('POST /api/config/validate', () => {
    it('answers valid for a good document and INVALID_CONFIG with {path, message} for a bad one, writing nothing', async () => {
      const before = await readFile(file, 'utf8');
      const good = await s.request('POST', '/api/config/validate', yaml('trigger:\n  prefixes: ["#ok"]\n'));
      expect(good.status).to.equal(200);
      expect(good.body.data).to.deep.equal({ valid: true });
      const bad = await s.request('POST', '/api/config/validate', yaml('trigger:\n  prefixes: "#ok"\nextra: 1\n'));
      expect(bad.status).to.equal(400);
      expect(bad.body.code).to.equal('INVALID_CONFIG');
      expect(bad.body.details).to.have.deep.members([
        { path: 'trigger.prefixes', message: 'must be array' },
        { path: 'extra', message: 'is not a configuration section' },
      ]);
      expect((await s.request('POST', '/api/config/validate', yaml('a: [\n'))).body.code).to.equal('PARSE_ERROR');
      expect(await readFile(file, 'utf8')).to.equal(before);
    });
  });

  describe('POST /api/config/unset', () => {
    it('puts a key back to its default', async () => {
      await s.request('PUT', '/api/config', { body: { 'web.publicUrl': 'https://bot.example' } });
      const res = await s.request('POST', '/api/config/unset', { body: { paths: ['web.publicUrl'] } });
      expect(res.body.data.updated).to.deep.equal(['web.publicUrl']);
      expect((await s.request('GET', '/api/config/web')).body.data.publicUrl).to.equal('');
      expect((await s.request('POST', '/api/config/unset', { body: { paths: [] } })).status).to.equal(400);
      expect((await s.request('POST', '/api/config/unset', { body: { paths: ['a..b'] } })).status).to.equal(400);
    });
  });

  describe('history and rollback', () => {
    it('lists versions newest first and rolls back to one as a new version', async () => {
      await s.request('PUT', '/api/config', { body: { 'trigger.keywords': ['v-a'] } });
      const target = (await s.request('GET', '/api/config/history')).body.data.current;
      await s.request('PUT', '/api/config', { body: { 'trigger.keywords': ['v-b'] } });

      const history = (await s.request('GET', '/api/config/history')).body.data;
      expect(history.current).to.equal(target + 1);
      expect(history.versions[0]).to.deep.include({ version: target + 1, source: 'api', paths: ['trigger.keywords'] });
      expect(history.versions[1].version).to.equal(target);
      const kept = await s.request('GET', `/api/config/history/${target}`);
      expect(kept.body.data.config.trigger.keywords).to.deep.equal(['v-a']);

      const res = await s.request('POST', '/api/config/rollback', { body: { version: target } });
      expect(res.status).to.equal(200);
      expect(res.body.data).to.deep.equal({ updated: ['trigger.keywords'], version: target + 2 });
      expect((await s.request('GET', '/api/config/trigger')).body.data.keywords).to.deep.equal(['v-a']);
      expect((await disk()).trigger.keywords).to.deep.equal(['v-a']);
    });

    it('answers 404 VERSION_NOT_FOUND for a version not kept and 400 for a bad one', async () => {
      expect((await s.request('POST', '/api/config/rollback', { body: { version: 99999 } })).body.code).to.equal('VERSION_NOT_FOUND');
      expect((await s.request('GET', '/api/config/history/99999')).status).to.equal(404);
      expect((await s.request('POST', '/api/config/rollback', { body: { version: 'x' } })).status).to.equal(400);
      expect((await s.request('POST', '/api/config/rollback', { body: {} })).status).to.equal(400);
      expect((await s.request('GET', '/api/config/history/abc')).status).to.equal(400);
    });
  });

  describe('events', () => {
    it('publishes config-changed with the changed paths on /api/system/events', async () => {
      const abort = new AbortController();
      const res = await fetch(`${s.url}/api/system/events`, { headers: { authorization: `Bearer ${s.token}` }, signal: abort.signal });
      const reader = res.body!.getReader();
      let text = '';
      await eventually(async () => (text += new TextDecoder().decode((await reader.read()).value)).includes('connected'), 3000, 'the stream');
      await s.request('PUT', '/api/config', { body: { 'thinking.defaultLevel': 'high' } });
      const frame = await eventually(async () => {
        text += new TextDecoder().decode((await reader.read()).value);
        return text.split('\n').find((l) => l.startsWith('data: ') && l.includes('config-changed'));
      }, 3000, 'config-changed');
      abort.abort();
      const event = JSON.parse(frame.slice(6));
      expect(event).to.deep.include({ type: 'config-changed', paths: ['thinking.defaultLevel'], source: 'api' });
    });
  });

  describe('config.json edited while running', () => {
    it('applies a valid edit within a second', async () => {
      const data = await disk();
      data.trigger.keywords = ['from-disk'];
      await writeFile(file, JSON.stringify(data, null, 2));
      const t0 = Date.now();
      await eventually(async () => (await s.request('GET', '/api/config/trigger')).body.data.keywords[0] === 'from-disk', 1000, 'the edit');
      expect(Date.now() - t0).to.be.below(1000);
      const version = await eventually(async () => (await s.request('GET', '/api/config/history')).body.data.versions.find((v: { source: string }) => v.source === 'file'), 1000, 'the version');
      expect(version.paths).to.deep.equal(['trigger.keywords']);
    });

    it('refuses an invalid edit with a log line naming the file and the path; the file stays until the next accepted change', async () => {
      const data = await disk();
      data.context.maxMessages = 'lots';
      const text = JSON.stringify(data, null, 2);
      await writeFile(file, text);
      await eventually(() => s.output().includes(`refused the edit of ${file}: context.maxMessages`), 1000, 'the log line');
      expect((await s.request('GET', '/api/config/context')).body.data.maxMessages).to.not.equal('lots');
      expect(await readFile(file, 'utf8')).to.equal(text);
      const reload = await s.request('POST', '/api/config/reload');
      expect(reload.status).to.equal(400);
      expect(reload.body.code).to.equal('INVALID_CONFIG');
      expect(reload.body.details[0].path).to.equal('context.maxMessages');

      const next = await s.request('PUT', '/api/config', { body: { 'context.maxTokens': 4321 } });
      expect(next.body.data.updated).to.deep.equal(['context.maxTokens']);
      expect((await disk()).context.maxMessages).to.be.a('number');
    });

    it('does not reload its own writes', async () => {
      const before = s.output().split('applied the edit').length;
      const { current } = (await s.request('GET', '/api/config/history')).body.data;
      for (let i = 0; i < 3; i++) await s.request('PUT', '/api/config', { body: { 'context.maxTokens': 5000 + i } });
      await sleep(600);
      expect(s.output().split('applied the edit').length).to.equal(before);
      expect((await s.request('GET', '/api/config/history')).body.data.current).to.equal(current + 3);
      expect((await s.request('POST', '/api/config/reload')).body.data.updated).to.deep.equal([]);
    });
  });

  describe('secret values', () => {
    const key = 'mcp-0123456789abcdef0123456789abcdef';

    it('are shown masked in every answer, and a masked value written back keeps the stored one', async () => {
      expect((await s.request('PUT', '/api/config', { body: { 'mcp.server.apiKey': key, 'redis.password': 'hunter22' } })).status).to.equal(200);
      expect((await disk()).mcp.server.apiKey).to.equal(key);
      expect((await stat(file)).mode & 0o777).to.equal(0o600);

      const all = await s.request('GET', '/api/config');
      expect(all.body.data.mcp.server.apiKey).to.equal('mcp-****cdef');
      expect(all.body.data.redis.password).to.equal('****22');
      const section = await s.request('GET', '/api/config/mcp');
      expect(section.body.data.server.apiKey).to.equal('mcp-****cdef');
      const exported = await s.request('GET', '/api/config/export');
      const { current } = (await s.request('GET', '/api/config/history')).body.data;
      const kept = await s.request('GET', `/api/config/history/${current}`);
      expect(kept.body.data.config.mcp.server.apiKey).to.equal('mcp-****cdef');
      for (const answer of [all, section, exported, kept]) expect(answer.text).to.not.include(key).and.not.include('hunter22');

      // A form's way: the section read, one field changed, the whole section written back.
      const changed = { ...section.body.data, enabled: false };
      expect((await s.request('PUT', '/api/config/mcp', { body: changed })).body.data.updated).to.deep.equal(['mcp.enabled']);
      // An export imported back (after another change) restores the rest and keeps the secrets.
      await s.request('PUT', '/api/config', { body: { 'basic.commandPrefix': '#secret-test' } });
      expect((await s.request('POST', '/api/config/import', yaml(exported.text))).body.data.updated).to.have.members(['basic.commandPrefix', 'mcp.enabled']);
      expect((await disk()).mcp.server).to.deep.include({ apiKey: key, enabled: false });
      expect((await disk()).redis.password).to.equal('hunter22');

      const fresh = 'mcp-fedcba9876543210fedcba9876543210';
      expect((await s.request('PUT', '/api/config', { body: { mcp: { server: { apiKey: fresh } } } })).body.data.updated).to.deep.equal(['mcp.server.apiKey']);
      expect((await disk()).mcp.server.apiKey).to.equal(fresh);
    });
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await s.request('GET', '/api/openapi.json')).body;
    for (const route of ['/api/config', '/api/config/export', '/api/config/import', '/api/config/history', '/api/config/rollback', '/api/config/{section}']) {
      expect(doc.paths, route).to.have.property(route);
    }
  });
});
