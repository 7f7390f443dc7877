import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startServer, type TestServer } from '../../support/server.ts';

describe('presets module: the default preset and copies', () => {
  let s: TestServer;
  const configOnDisk = async () => JSON.parse(await readFile(path.join(s.dataDir, 'config.json'), 'utf8'));
  const isDefault = async (id: string) => (await s.request('GET', `/api/presets/${id}`)).body.data.isDefault;

  before(async () => {
    s = await startServer();
    expect((await s.request('POST', '/api/presets', { body: { id: 'mine', name: 'Mine' } })).status).to.equal(201);
  });
  after(() => s?.stop());

  describe('POST /api/presets/:id/set-default', () => {
    it('makes a preset the default in both config keys, on disk', async () => {
      const r = await s.request('POST', '/api/presets/mine/set-default');
      expect(r.status).to.equal(200);
      expect(r.body.data).to.include({ id: 'mine', isDefault: true });
      const config = await configOnDisk();
      expect(config.presets.defaultId).to.equal('mine');
      expect(config.llm.defaultChatPresetId).to.equal('mine');
      expect(await isDefault('default')).to.equal(false);
    });

    it('lets the former default be deleted and protects the new one', async () => {
      expect((await s.request('DELETE', '/api/presets/mine')).body.code).to.equal('CONFLICT');
      await s.request('POST', '/api/presets', { body: { id: 'spare', name: 'Spare' } });
      await s.request('POST', '/api/presets/spare/set-default');
      expect((await s.request('DELETE', '/api/presets/mine')).status).to.equal(200);
    });

    it('accepts a built-in as the default', async () => {
      const r = await s.request('POST', '/api/presets/builtin_tutor/set-default');
      expect(r.status).to.equal(200);
      expect((await configOnDisk()).presets.defaultId).to.equal('builtin_tutor');
    });

    it('answers 404 for an unknown preset and leaves the config alone', async () => {
      const r = await s.request('POST', '/api/presets/nope/set-default');
      expect(r.status).to.equal(404);
      expect(r.body.code).to.equal('PRESET_NOT_FOUND');
      expect((await configOnDisk()).presets.defaultId).to.equal('builtin_tutor');
    });

    it('also happens on create and update with isDefault: true', async () => {
      await s.request('POST', '/api/presets', { body: { id: 'fresh', name: 'Fresh', isDefault: true } });
      expect(await isDefault('fresh')).to.equal(true);
      await s.request('PUT', '/api/presets/spare', { body: { isDefault: true } });
      expect(await isDefault('spare')).to.equal(true);
      expect(await isDefault('fresh')).to.equal(false);
    });
  });

  describe('GET and PUT /api/presets/config', () => {
    it('answers the four settings', async () => {
      const r = await s.request('GET', '/api/presets/config');
      expect(r.status).to.equal(200);
      expect(r.body.data).to.deep.equal({ defaultId: 'spare', allowUserSwitch: true, perUserPreset: false, perGroupPreset: false });
    });

    it('changes them; defaultId goes through the same checks as set-default', async () => {
      const r = await s.request('PUT', '/api/presets/config', { body: { defaultId: 'fresh', perUserPreset: true } });
      expect(r.status).to.equal(200);
      expect(r.body.data).to.include({ defaultId: 'fresh', perUserPreset: true });
      const config = await configOnDisk();
      expect(config.presets).to.include({ defaultId: 'fresh', perUserPreset: true });
      expect(config.llm.defaultChatPresetId).to.equal('fresh');
      expect((await s.request('PUT', '/api/presets/config', { body: { defaultId: 'nope' } })).status).to.equal(404);
    });

    for (const [label, body] of [['an empty body', {}], ['a wrong type', { perUserPreset: 'yes' }], ['an unknown key', { colour: 1 }]] as const) {
      it(`rejects ${label} with 400`, async () => {
        const r = await s.request('PUT', '/api/presets/config', { body });
        expect(r.status).to.equal(400);
        expect(r.body.code).to.equal('VALIDATION_ERROR');
      });
    }
  });

  describe('POST /api/presets/:id/copy', () => {
    it('copies a built-in into an editable user preset', async () => {
      const r = await s.request('POST', '/api/presets/builtin_coder/copy', { body: { newId: 'my-coder', newName: 'My coder' } });
      expect(r.status).to.equal(201);
      expect(r.body.data).to.include({ id: 'my-coder', name: 'My coder', type: 'user', createdFrom: 'builtin_coder', sourceBuiltinId: 'builtin_coder', category: 'assistant' });
      expect(r.body.data).to.not.have.any.keys('isBuiltin', 'isReadonly');
      expect(r.body.data.systemPrompt).to.match(/software engineer/);
      expect((await s.request('PUT', '/api/presets/my-coder', { body: { temperature: 0.1 } })).status).to.equal(200);
    });

    it('copies by name and makes an id and a name when none are given', async () => {
      const r = await s.request('POST', '/api/presets/My%20coder/copy', { body: {} });
      expect(r.status).to.equal(201);
      expect(r.body.data).to.include({ name: 'My coder (copy)', createdFrom: 'my-coder', sourceBuiltinId: 'builtin_coder', temperature: 0.1 });
      expect(r.body.data.id).to.match(/^[0-9a-f-]{36}$/);
    });

    it('answers 409 PRESET_EXISTS for a taken id, 404 for an unknown source, 400 for a bad id', async () => {
      expect((await s.request('POST', '/api/presets/builtin_coder/copy', { body: { newId: 'my-coder' } })).body.code).to.equal('PRESET_EXISTS');
      expect((await s.request('POST', '/api/presets/nope/copy', { body: {} })).body.code).to.equal('PRESET_NOT_FOUND');
      const bad = await s.request('POST', '/api/presets/builtin_coder/copy', { body: { newId: 'Bad Id' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.details[0].path).to.equal('body.newId');
    });
  });

  describe('POST /api/presets/from-builtin/:builtinId', () => {
    it('copies a built-in with changes applied', async () => {
      const r = await s.request('POST', '/api/presets/from-builtin/builtin_writer', { body: { id: 'poet', name: 'Poet', temperature: 1.5 } });
      expect(r.status).to.equal(201);
      expect(r.body.data).to.include({ id: 'poet', name: 'Poet', temperature: 1.5, sourceBuiltinId: 'builtin_writer' });
    });

    it('answers 404 when the source is not a built-in, 400 for bad changes', async () => {
      expect((await s.request('POST', '/api/presets/from-builtin/poet', { body: {} })).status).to.equal(404);
      expect((await s.request('POST', '/api/presets/from-builtin/builtin_writer', { body: { temperature: 9 } })).status).to.equal(400);
    });
  });

  describe('persistence', () => {
    it('keeps the default across a restart', async () => {
      await s.restart();
      expect((await s.request('GET', '/api/presets/config')).body.data.defaultId).to.equal('fresh');
      expect(await isDefault('fresh')).to.equal(true);
      expect((await s.request('DELETE', '/api/presets/fresh')).body.code).to.equal('CONFLICT');
    });
  });
});
