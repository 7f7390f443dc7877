import { expect } from 'chai';
import { parse } from 'yaml';
import { manyKeys, NESTED_YAML, QUICK_MS } from '../../support/hostile-yaml.ts';
import { startServer, type TestServer } from '../../support/server.ts';

const yamlHeaders = { 'content-type': 'text/yaml' };

describe('presets module: YAML export and import', () => {
  let s: TestServer;

  before(async () => {
    s = await startServer();
    await s.request('POST', '/api/presets', { body: { id: 'cat', name: 'Cat', systemPrompt: 'Meow.\nAlways meow.', temperature: 1.1, persona: { traits: ['lazy'] } } });
  });
  after(() => s?.stop());

  describe('GET /api/presets/:id/export', () => {
    it('answers bare YAML (no envelope) as an attachment', async () => {
      const r = await s.request('GET', '/api/presets/cat/export');
      expect(r.status).to.equal(200);
      expect(r.headers.get('content-type')).to.match(/^text\/yaml/);
      expect(r.headers.get('content-disposition')).to.match(/attachment; filename="cat.yaml"/);
      const preset = parse(r.text);
      expect(preset).to.include({ id: 'cat', name: 'Cat', systemPrompt: 'Meow.\nAlways meow.', temperature: 1.1 });
      expect(preset.persona.traits).to.deep.equal(['lazy']);
      expect(preset).to.not.have.any.keys('success', 'isDefault', 'type');
    });

    it('answers a 404 envelope for an unknown preset', async () => {
      const r = await s.request('GET', '/api/presets/nope/export');
      expect(r.status).to.equal(404);
      expect(r.body.code).to.equal('PRESET_NOT_FOUND');
    });
  });

  describe('GET /api/presets/export', () => {
    it('exports the user presets under presets:, or every preset with ?type=all', async () => {
      const users = parse((await s.request('GET', '/api/presets/export')).text);
      expect(users.presets.map((p: { id: string }) => p.id)).to.deep.equal(['default', 'cat']);
      const all = parse((await s.request('GET', '/api/presets/export?type=all')).text);
      expect(all.presets).to.have.length(15);
      expect((await s.request('GET', '/api/presets/export?type=x')).status).to.equal(400);
    });
  });

  describe('POST /api/presets/import', () => {
    it('imports a raw text/yaml body: a list, with a made-up id where none is given', async () => {
      const raw = 'presets:\n  - id: dog\n    name: Dog\n    maxTokens: 300\n  - name: Anonymous\n';
      const r = await s.request('POST', '/api/presets/import', { raw, headers: yamlHeaders });
      expect(r.status).to.equal(200);
      expect(r.body.data.imported).to.have.length(2);
      expect(r.body.data.imported[0]).to.equal('dog');
      expect(r.body.data.skipped).to.deep.equal([]);
      expect((await s.request('GET', '/api/presets/dog')).body.data.modelParams.max_tokens).to.equal(300);
    });

    it('skips an existing id without overwrite and replaces it with ?overwrite=true', async () => {
      const raw = 'id: dog\nname: Big dog\n';
      const skipped = await s.request('POST', '/api/presets/import', { raw, headers: yamlHeaders });
      expect(skipped.body.data).to.deep.equal({ imported: [], skipped: [{ id: 'dog', reason: 'PRESET_EXISTS' }] });
      expect((await s.request('GET', '/api/presets/dog')).body.data.name).to.equal('Dog');
      const replaced = await s.request('POST', '/api/presets/import?overwrite=true', { raw, headers: yamlHeaders });
      expect(replaced.body.data.imported).to.deep.equal(['dog']);
      const dog = (await s.request('GET', '/api/presets/dog')).body.data;
      expect(dog.name).to.equal('Big dog');
      expect(dog.modelParams.max_tokens).to.equal(4096);
    });

    it('refuses YAML that is not plain data: an alias to itself, a binary value', async () => {
      for (const raw of ['- &p\n  id: loop\n  name: Loop\n  extra: *p\n', '- id: bin\n  name: !!binary aGVsbG8=\n']) {
        const r = await s.request('POST', '/api/presets/import', { raw, headers: yamlHeaders });
        expect(r.status, raw).to.equal(400);
        expect(r.body.code).to.equal('VALIDATION_ERROR');
        expect(r.body.error).to.match(/refers to itself|not plain JSON data/);
      }
      expect((await s.request('GET', '/api/presets/loop')).status).to.equal(404);
    });

    it('takes JSON {yaml, overwrite} as well', async () => {
      const r = await s.request('POST', '/api/presets/import', { body: { yaml: '- id: owl\n  name: Owl\n', overwrite: false } });
      expect(r.status).to.equal(200);
      expect(r.body.data.imported).to.deep.equal(['owl']);
    });

    it('round-trips an export, and never overwrites a built-in', async () => {
      const exported = (await s.request('GET', '/api/presets/export?type=all')).text;
      await s.request('DELETE', '/api/presets/cat');
      const r = await s.request('POST', '/api/presets/import?overwrite=true', { raw: exported, headers: yamlHeaders });
      expect(r.status).to.equal(200);
      expect(r.body.data.imported).to.include('cat');
      expect(r.body.data.skipped).to.have.length(13);
      expect(r.body.data.skipped[0]).to.deep.equal({ id: 'builtin_assistant', reason: 'SYSTEM_PRESET' });
      expect((await s.request('GET', '/api/presets/cat')).body.data).to.include({ systemPrompt: 'Meow.\nAlways meow.', temperature: 1.1 });
      expect((await s.request('GET', '/api/presets/builtin_assistant')).body.data.isReadonly).to.equal(true);
    });

    it('answers 400 PARSE_ERROR for YAML that does not parse', async () => {
      const r = await s.request('POST', '/api/presets/import', { raw: 'name: [unclosed\n  - x: : :', headers: yamlHeaders });
      expect(r.status).to.equal(400);
      expect(r.body.code).to.equal('PARSE_ERROR');
    });

    it('answers 400 for a YAML scalar and for a presets key that is not a list', async () => {
      for (const raw of ['just text', 'presets: 5']) {
        const r = await s.request('POST', '/api/presets/import', { raw, headers: yamlHeaders });
        expect(r.status, raw).to.equal(400);
        expect(r.body.code).to.equal('VALIDATION_ERROR');
      }
    });

    it('imports nothing when one item is invalid, and names the field', async () => {
      const raw = '- id: good-one\n  name: Good\n- id: bad-one\n  name: Bad\n  temperature: 5\n- id: ../x\n  name: Trick\n';
      const r = await s.request('POST', '/api/presets/import', { raw, headers: yamlHeaders });
      expect(r.status).to.equal(400);
      expect(r.body.code).to.equal('VALIDATION_ERROR');
      const paths = r.body.details.map((d: { path: string }) => d.path);
      expect(paths).to.include('yaml.1.temperature');
      expect(paths).to.include('yaml.2.id');
      expect((await s.request('GET', '/api/presets/good-one')).status).to.equal(404);
    });

    it('answers 400 to YAML nested 1,000 deep (twice) and to a repeated key among 40,000, and keeps answering', async () => {
      const answers = [];
      for (const round of [1, 2]) {
        const r = await s.request('POST', '/api/presets/import', { raw: NESTED_YAML, headers: yamlHeaders });
        expect(r.status, `request ${round}`).to.equal(400);
        answers.push(r.body);
      }
      expect((await s.request('GET', '/api/system/health', { token: null })).status).to.equal(200);
      for (const body of answers) {
        expect(body.code).to.equal('VALIDATION_ERROR');
        expect(body.error).to.match(/^The YAML is not plain preset data: the document is nested more than 64 levels deep/);
      }
      const started = performance.now();
      const r = await s.request('POST', '/api/presets/import', { raw: manyKeys(40_000), headers: yamlHeaders });
      expect(performance.now() - started).to.be.below(QUICK_MS);
      expect(r.status).to.equal(400);
      expect(r.body.code).to.equal('PARSE_ERROR');
      expect(r.body.error).to.equal('The body is not valid YAML (line 40000, column 1): Map keys must be unique: "key0" is repeated');
      expect((await s.request('GET', '/api/system/health', { token: null })).status).to.equal(200);
    });

    it('rejects alias bombs and empty or wrongly shaped bodies', async () => {
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
      const r = await s.request('POST', '/api/presets/import', { raw: bomb, headers: yamlHeaders });
      expect(r.status).to.equal(400);
      expect((await s.request('POST', '/api/presets/import', { body: { overwrite: true } })).status).to.equal(400);
      expect((await s.request('POST', '/api/presets/import', { body: { yaml: 7 } })).status).to.equal(400);
      expect((await s.request('POST', '/api/presets/import?overwrite=maybe', { raw: 'name: x', headers: yamlHeaders })).status).to.equal(400);
    });
  });
});
