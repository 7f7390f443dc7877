import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startServer, type TestServer } from '../../support/server.ts';

type Preset = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers of any shape

describe('presets module: CRUD', () => {
  let s: TestServer;
  const onDisk = async (): Promise<Preset[]> => JSON.parse(await readFile(path.join(s.dataDir, 'presets.json'), 'utf8')).presets;

  before(async () => {
    s = await startServer();
  });
  after(() => s?.stop());

  describe('first start', () => {
    it('writes the 13 built-ins and a user preset "default" to presets.json', async () => {
      const stored = await onDisk();
      expect(stored.filter((p) => p.isBuiltin)).to.have.length(13);
      expect(stored.filter((p) => !p.isBuiltin).map((p) => p.id)).to.deep.equal(['default']);
      expect(stored.find((p) => p.id === 'builtin_coder')).to.include({ isReadonly: true, category: 'assistant' });
    });
  });

  describe('GET /api/presets', () => {
    it('lists built-ins first, then user presets, with isDefault and type', async () => {
      const r = await s.request('GET', '/api/presets');
      expect(r.status).to.equal(200);
      expect(r.body.data.total).to.equal(14);
      const list: Preset[] = r.body.data.presets;
      expect(list[0]).to.include({ id: 'builtin_assistant', type: 'system', isDefault: false });
      expect(list.at(-1)).to.include({ id: 'default', type: 'user', isDefault: true });
    });

    it('filters by type, category and search', async () => {
      expect((await s.request('GET', '/api/presets?type=user')).body.data.presets.map((p: Preset) => p.id)).to.deep.equal(['default']);
      expect((await s.request('GET', '/api/presets?type=system')).body.data.total).to.equal(13);
      expect((await s.request('GET', '/api/presets?category=education')).body.data.presets.map((p: Preset) => p.id)).to.deep.equal(['builtin_tutor', 'builtin_encyclopedia']);
      expect((await s.request('GET', '/api/presets?search=TRANSLAT')).body.data.presets.map((p: Preset) => p.id)).to.deep.equal(['builtin_translator']);
    });

    for (const bad of ['type=robot', 'search=' + 'x'.repeat(201), 'page=2']) {
      it(`rejects ?${bad.slice(0, 20)} with 400`, async () => {
        const r = await s.request('GET', `/api/presets?${bad}`);
        expect(r.status).to.equal(400);
        expect(r.body.code).to.equal('VALIDATION_ERROR');
      });
    }

    it('needs a token', async () => {
      expect((await s.request('GET', '/api/presets', { token: null })).status).to.equal(401);
    });
  });

  describe('GET /api/presets/builtin and /categories', () => {
    it('answers the built-ins and their five categories', async () => {
      expect((await s.request('GET', '/api/presets/builtin')).body.data).to.have.length(13);
      const categories = (await s.request('GET', '/api/presets/categories')).body.data;
      expect(categories.map((c: Preset) => c.key)).to.deep.equal(['assistant', 'roleplay', 'function', 'admin', 'education']);
    });
  });

  describe('GET /api/presets/:id', () => {
    it('finds a preset by id and by name', async () => {
      expect((await s.request('GET', '/api/presets/builtin_tutor')).body.data).to.include({ id: 'builtin_tutor', name: 'Tutor' });
      expect((await s.request('GET', '/api/presets/Tutor')).body.data.id).to.equal('builtin_tutor');
    });

    it('treats a path trick as an unknown name: 404 for reads and writes, nothing outside presets.json is touched', async () => {
      for (const [method, body] of [['GET', undefined], ['PUT', { name: 'x' }], ['DELETE', undefined]] as const) {
        const r = await s.request(method, '/api/presets/..%2F..%2Fconfig', { body });
        expect(r.status, method).to.equal(404);
        expect(r.body.code).to.equal('PRESET_NOT_FOUND');
      }
      expect((await s.request('GET', '/api/presets/%E0%A4%A')).status).to.equal(404);
    });

    it('answers 404 PRESET_NOT_FOUND for an unknown id, and 400 for an id that is too long', async () => {
      const r = await s.request('GET', '/api/presets/nope');
      expect(r.status).to.equal(404);
      expect(r.body).to.include({ success: false, code: 'PRESET_NOT_FOUND' });
      expect((await s.request('GET', `/api/presets/${'x'.repeat(101)}`)).status).to.equal(400);
    });
  });

  describe('POST /api/presets', () => {
    it('creates a preset with the client id (201), fills defaults and writes it to disk', async () => {
      const r = await s.request('POST', '/api/presets', { body: { id: 'cat-1', name: 'Cat', systemPrompt: 'You are a cat.', temperature: 1.2 } });
      expect(r.status).to.equal(201);
      expect(r.body.data).to.include({ id: 'cat-1', name: 'Cat', temperature: 1.2, type: 'user', isDefault: false, model: '' });
      expect(r.body.data.modelParams).to.include({ temperature: 1.2, max_tokens: 4096 });
      expect(r.body.data.createdAt).to.be.a('number');
      expect((await onDisk()).find((p) => p.id === 'cat-1')).to.include({ name: 'Cat', systemPrompt: 'You are a cat.' });
    });

    it('makes an id when the client gives none', async () => {
      const r = await s.request('POST', '/api/presets', { body: { name: 'No id' } });
      expect(r.status).to.equal(201);
      expect(r.body.data.id).to.match(/^[0-9a-f-]{36}$/);
    });

    it('accepts the documented spellings and stores the original shape', async () => {
      const r = await s.request('POST', '/api/presets', {
        body: { id: 'documented', name: 'Doc', type: 'user', maxTokens: 1000, topP: 0.5, presencePenalty: 1, frequencyPenalty: -1, tools: { enabled: false, excludedTools: ['web_search'], allowDangerous: true } },
      });
      expect(r.status).to.equal(201);
      expect(r.body.data.modelParams).to.deep.equal({ temperature: 0.7, top_p: 0.5, max_tokens: 1000, presence_penalty: 1, frequency_penalty: -1 });
      expect(r.body.data.tools).to.include({ enableBuiltinTools: false, enableMcpTools: false, allowDangerous: true });
      expect(r.body.data.tools.disabledTools).to.deep.equal(['web_search']);
      const stored = (await onDisk()).find((p) => p.id === 'documented')!;
      expect(stored).to.not.have.any.keys('maxTokens', 'topP', 'type', 'isDefault');
    });

    it('answers 409 PRESET_EXISTS when the id is taken', async () => {
      const r = await s.request('POST', '/api/presets', { body: { id: 'cat-1', name: 'Other' } });
      expect(r.status).to.equal(409);
      expect(r.body.code).to.equal('PRESET_EXISTS');
    });

    const invalid: Array<[string, unknown, string]> = [
      ['no name', { id: 'abc' }, 'body.name'],
      ['an empty name', { name: '' }, 'body.name'],
      ['a name of 101 characters', { name: 'n'.repeat(101) }, 'body.name'],
      ['a name that is a number', { name: 7 }, 'body.name'],
      ['an id of 2 characters', { id: 'ab', name: 'x' }, 'body.id'],
      ['an id of 51 characters', { id: 'a'.repeat(51), name: 'x' }, 'body.id'],
      ['an id with capitals', { id: 'Cat', name: 'x' }, 'body.id'],
      ['an id with a slash', { id: '../etc', name: 'x' }, 'body.id'],
      ['an id with an underscore', { id: 'builtin_x', name: 'x' }, 'body.id'],
      ['a reserved id', { id: 'config', name: 'x' }, 'body.id'],
      ['temperature 2.1', { name: 'x', temperature: 2.1 }, 'body.temperature'],
      ['temperature -0.1', { name: 'x', temperature: -0.1 }, 'body.temperature'],
      ['temperature as a string', { name: 'x', temperature: '1' }, 'body.temperature'],
      ['maxTokens 0', { name: 'x', maxTokens: 0 }, 'body.maxTokens'],
      ['maxTokens 128001', { name: 'x', maxTokens: 128001 }, 'body.maxTokens'],
      ['maxTokens 1.5', { name: 'x', maxTokens: 1.5 }, 'body.maxTokens'],
      ['modelParams.max_tokens 200000', { name: 'x', modelParams: { max_tokens: 200000 } }, 'body.modelParams.max_tokens'],
      ['modelParams.top_p 2', { name: 'x', modelParams: { top_p: 2 } }, 'body.modelParams.top_p'],
      ['a systemPrompt of 10001 characters', { name: 'x', systemPrompt: 'p'.repeat(10001) }, 'body.systemPrompt'],
      ['an unknown field', { name: 'x', colour: 'red' }, 'body.colour'],
      ['persona.traits as a string', { name: 'x', persona: { traits: 'nice' } }, 'body.persona.traits'],
      ['tools.allowedTools with a number', { name: 'x', tools: { allowedTools: [1] } }, 'body.tools.allowedTools.0'],
      ['a body that is an array', [{ name: 'x' }], 'body'],
    ];
    for (const [label, body, where] of invalid) {
      it(`rejects ${label} with 400 VALIDATION_ERROR at ${where}`, async () => {
        const r = await s.request('POST', '/api/presets', { body });
        expect(r.status).to.equal(400);
        expect(r.body.code).to.equal('VALIDATION_ERROR');
        expect(r.body.details.map((d: { path: string }) => d.path)).to.include(where);
      });
    }

    it('rejects malformed JSON with 400 INVALID_JSON', async () => {
      const r = await s.request('POST', '/api/presets', { raw: '{"name": ', headers: { 'content-type': 'application/json' } });
      expect(r.status).to.equal(400);
      expect(r.body.code).to.equal('INVALID_JSON');
    });
  });

  describe('PUT /api/presets/:id', () => {
    it('merges: top-level fields replace, modelParams/context/tools merge, persona null or "" resets a key', async () => {
      await s.request('PUT', '/api/presets/cat-1', { body: { persona: { name: 'Tom', traits: ['lazy'], background: 'A house cat' }, context: { maxMessages: 5 } } });
      const r = await s.request('PUT', '/api/presets/cat-1', {
        body: { description: 'A cat', maxTokens: 500, persona: { traits: null, background: '' }, tools: { allowedTools: ['get_time'] } },
      });
      expect(r.status).to.equal(200);
      const p = r.body.data;
      expect(p).to.include({ id: 'cat-1', name: 'Cat', description: 'A cat', temperature: 1.2 });
      expect(p.modelParams).to.include({ temperature: 1.2, max_tokens: 500 });
      expect(p.persona).to.include({ name: 'Tom', background: '' });
      expect(p.persona.traits).to.deep.equal([]);
      expect(p.context).to.include({ maxMessages: 5, maxTokens: 8000 });
      expect(p.tools).to.include({ enableBuiltinTools: true });
      expect(p.tools.allowedTools).to.deep.equal(['get_time']);
      expect(p.updatedAt).to.be.at.least(p.createdAt);
      expect((await onDisk()).find((x) => x.id === 'cat-1')!.modelParams.max_tokens).to.equal(500);
    });

    it('keeps the id when the body sends another one back', async () => {
      const r = await s.request('PUT', '/api/presets/cat-1', { body: { id: 'other', name: 'Cat' } });
      expect(r.body.data.id).to.equal('cat-1');
      expect((await s.request('GET', '/api/presets/other')).status).to.equal(404);
    });

    it('refuses to change a built-in with 409 SYSTEM_PRESET', async () => {
      const r = await s.request('PUT', '/api/presets/builtin_coder', { body: { name: 'Mine' } });
      expect(r.status).to.equal(409);
      expect(r.body.code).to.equal('SYSTEM_PRESET');
      expect((await onDisk()).find((p) => p.id === 'builtin_coder')!.name).to.equal('Coder');
    });

    it('answers 404 for an unknown id and 400 for bad fields', async () => {
      expect((await s.request('PUT', '/api/presets/nope', { body: { name: 'x' } })).body.code).to.equal('PRESET_NOT_FOUND');
      const r = await s.request('PUT', '/api/presets/cat-1', { body: { temperature: 3, name: '' } });
      expect(r.status).to.equal(400);
      expect(r.body.details.map((d: { path: string }) => d.path)).to.have.members(['body.temperature', 'body.name']);
    });
  });

  describe('DELETE /api/presets/:id', () => {
    it('deletes a user preset from disk', async () => {
      const r = await s.request('DELETE', '/api/presets/documented');
      expect(r.status).to.equal(200);
      expect(r.body.data).to.deep.equal({ id: 'documented', deleted: true });
      expect((await onDisk()).map((p) => p.id)).to.not.include('documented');
      expect((await s.request('DELETE', '/api/presets/documented')).status).to.equal(404);
    });

    it('refuses a built-in with 409 SYSTEM_PRESET', async () => {
      const r = await s.request('DELETE', '/api/presets/builtin_assistant');
      expect(r.status).to.equal(409);
      expect(r.body.code).to.equal('SYSTEM_PRESET');
    });

    it('refuses the current default with 409 CONFLICT', async () => {
      const r = await s.request('DELETE', '/api/presets/default');
      expect(r.status).to.equal(409);
      expect(r.body.code).to.equal('CONFLICT');
      expect((await onDisk()).map((p) => p.id)).to.include('default');
    });
  });

  describe('persistence', () => {
    it('keeps user presets across a restart, and the built-ins stay read-only', async () => {
      await s.restart();
      const r = await s.request('GET', '/api/presets/cat-1');
      expect(r.body.data).to.include({ description: 'A cat', temperature: 1.2 });
      expect((await s.request('GET', '/api/presets?type=user')).body.data.presets.map((p: Preset) => p.id)).to.include.members(['default', 'cat-1']);
      expect((await onDisk()).filter((p) => p.isBuiltin)).to.have.length(13);
    });
  });
});
