/**
 * The original plugin's preset paths (docs/statistics.md#original-paths): `/api/preset/*` as aliases
 * of `/api/presets/*`, and the rendered system prompt, which a chat turn sends as the preview shows it.
 * Each needs a token, refuses bad input with a 4xx and is deprecated in the OpenAPI document.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { deprecatedOperations, expectMasterOnly } from '../../support/original-paths.ts';
import { startServer, type TestServer } from '../../support/server.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

type Preset = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers of any shape

/** Reads: [method, original path, its target]. */
const READS: Array<[string, string, string]> = [
  ['GET', '/api/preset/list', '/api/presets'],
  ['GET', '/api/preset/list?type=nope', '/api/presets?type=nope'],
  ['GET', '/api/preset/builtin_coder', '/api/presets/builtin_coder'],
  ['GET', '/api/preset/Default', '/api/presets/Default'],
  ['GET', '/api/preset/no-such-preset', '/api/presets/no-such-preset'],
  ['GET', '/api/preset/builtin_coder/prompt', '/api/presets/builtin_coder/prompt'],
  ['GET', '/api/preset/no-such-preset/prompt', '/api/presets/no-such-preset/prompt'],
];

const DEPRECATED = [
  'GET /api/preset/list',
  'POST /api/preset',
  'POST /api/preset/from-builtin/:builtinId',
  'POST /api/preset/:id/default',
  'GET /api/preset/:id/prompt',
  'GET /api/preset/:id',
  'PUT /api/preset/:id',
  'DELETE /api/preset/:id',
  'POST /api/presets/from-builtin/:builtinId',
  'GET /api/presets/:id/prompt',
];

/** [method, original path, body] for the 401/403 walk. */
const ORIGINALS: Array<[string, string, unknown?]> = [
  ...READS.map(([m, p]) => [m, p] as [string, string]),
  ['POST', '/api/preset', { name: 'x' }],
  ['PUT', '/api/preset/default', { name: 'x' }],
  ['DELETE', '/api/preset/default'],
  ['POST', '/api/preset/default/default'],
  ['POST', '/api/preset/from-builtin/builtin_coder', {}],
];

const pad = (n: number) => String(n).padStart(2, '0');
const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

describe('presets: the original plugin\'s paths (/api/preset/*)', () => {
  let s: TestServer;
  let up: Upstream;
  let groupToken: string;
  const onDisk = async (): Promise<Preset[]> => JSON.parse(await readFile(path.join(s.dataDir, 'presets.json'), 'utf8')).presets;

  before(async () => {
    [s, up] = await Promise.all([startServer({ modules: { real: ['auth', 'config', 'presets', 'channels', 'chat', 'conversations'] } }), startUpstream()]);
    groupToken = await s.loginAs({ groupId: '10001' });
    await s.request('POST', '/api/channels', { body: { id: 'oa', name: 'OA', adapterType: 'openai', baseUrl: up.baseUrl('openai'), apiKey: 'sk-test-0000-abcd', models: ['gpt-4o'] } });
  });
  after(() => Promise.all([s?.stop(), up?.close()]));

  it('answers every read like its /api/presets target, the list with built-ins first', async () => {
    for (const [method, original, target] of READS) {
      const [a, b] = [await s.request(method, original), await s.request(method, target)];
      expect(a.status, original).to.equal(b.status);
      expect(a.body, original).to.deep.equal(b.body);
    }
    const list = (await s.request('GET', '/api/preset/list')).body.data.presets as Preset[];
    expect(list).to.have.length(14);
    expect(list.slice(0, 13).every((p) => p.isBuiltin)).to.equal(true);
    expect((await s.request('GET', '/api/preset/no-such-preset')).body.code).to.equal('PRESET_NOT_FOUND');
    expect((await s.request('GET', '/api/preset/list?type=nope')).body.code).to.equal('VALIDATION_ERROR');
  });

  it('creates, updates, makes default and deletes through /api/preset like /api/presets', async () => {
    const created = await s.request('POST', '/api/preset', { body: { id: 'cat', name: 'Cat', systemPrompt: 'Meow.' } });
    expect(created.status).to.equal(201);
    expect(created.body.data).to.include({ id: 'cat', name: 'Cat', type: 'user' });
    expect((await onDisk()).map((p) => p.id)).to.include('cat');
    expect((await s.request('POST', '/api/preset', { body: { id: 'cat', name: 'Cat' } })).body.code).to.equal('PRESET_EXISTS');
    const nameless = await s.request('POST', '/api/preset', { body: { systemPrompt: 'x' } });
    expect(nameless.status).to.equal(400);
    expect(JSON.stringify(nameless.body.details)).to.contain('name');

    const updated = await s.request('PUT', '/api/preset/cat', { body: { description: 'A cat', persona: { name: 'Mimi' } } });
    expect(updated.body.data).to.include({ description: 'A cat', systemPrompt: 'Meow.' });
    expect(updated.body.data.persona.name).to.equal('Mimi');
    expect((await s.request('PUT', '/api/preset/builtin_coder', { body: { description: 'x' } })).body.code).to.equal('SYSTEM_PRESET');
    expect((await s.request('PUT', '/api/preset/no-such-preset', { body: { description: 'x' } })).status).to.equal(404);
    expect((await s.request('PUT', '/api/preset/cat', { body: { temperature: 9 } })).status).to.equal(400);

    const made = await s.request('POST', '/api/preset/cat/default');
    expect(made.status).to.equal(200);
    expect(made.body.data).to.include({ id: 'cat', isDefault: true });
    expect((await s.request('GET', '/api/presets/config')).body.data.defaultId).to.equal('cat');
    expect((await s.request('POST', '/api/preset/no-such-preset/default')).status).to.equal(404);
    expect((await s.request('DELETE', '/api/preset/cat')).body.code).to.equal('CONFLICT');

    await s.request('POST', '/api/preset/default/default');
    const deleted = await s.request('DELETE', '/api/preset/cat');
    expect(deleted.body.data).to.deep.equal({ id: 'cat', deleted: true });
    expect((await onDisk()).map((p) => p.id)).to.not.include('cat');
    expect((await s.request('DELETE', '/api/preset/builtin_coder')).body.code).to.equal('SYSTEM_PRESET');
  });

  it('copies a built-in with POST /api/preset/from-builtin/:builtinId, overrides applied', async () => {
    const res = await s.request('POST', '/api/preset/from-builtin/builtin_coder', { body: { name: 'My coder', temperature: 0.1 } });
    expect(res.status).to.equal(201);
    expect(res.body.data).to.include({ name: 'My coder', temperature: 0.1, sourceBuiltinId: 'builtin_coder', type: 'user' });
    expect((await s.request('POST', '/api/preset/from-builtin/default', { body: {} })).body.code).to.equal('PRESET_NOT_FOUND');
    expect((await s.request('POST', '/api/preset/from-builtin/builtin_coder', { body: { color: 'red' } })).status).to.equal(400);
  });

  it('renders the system prompt with GET /api/preset/:id/prompt, and a chat turn sends exactly that', async () => {
    const body = { id: 'tmpl', name: 'Templated', systemPrompt: 'I am {{bot_name}} of {{ preset_name }}, on {{date}}. {{unknown}} stays.', persona: { name: 'Mimi' } };
    expect((await s.request('POST', '/api/presets', { body })).status).to.equal(201);
    const res = await s.request('GET', '/api/preset/tmpl/prompt');
    expect(res.status).to.equal(200);
    expect(res.body.data).to.deep.equal({ prompt: `I am Mimi of Templated, on ${today()}. {{unknown}} stays.` });
    expect((await s.request('GET', '/api/preset/Templated/prompt')).body.data).to.deep.equal(res.body.data);

    up.reset();
    expect((await s.request('POST', '/api/chat', { body: { message: 'Who are you?', userId: 'u1', presetId: 'tmpl' } })).status).to.equal(200);
    expect(up.requests[0].body.messages[0]).to.deep.equal({ role: 'system', content: res.body.data.prompt });

    await s.request('PUT', '/api/presets/tmpl', { body: { disableSystemPrompt: true } });
    expect((await s.request('GET', '/api/preset/tmpl/prompt')).body.data).to.deep.equal({ prompt: '' });
  });

  it('needs a master token on every original path: 401 without one, 403 for a group admin', async () => {
    await expectMasterOnly(s, groupToken, ORIGINALS);
  });

  it('marks the original-only operations deprecated in the OpenAPI document, and only those', async () => {
    expect(await deprecatedOperations(s, '/api/preset')).to.deep.equal([...DEPRECATED].sort());
  });
});
