/**
 * Modules bring their own configuration (docs/modules.md#lifetimes): a module's `config` field declares its
 * sections; the kernel validates, defaults and masks them through /api/config, and keeps the
 * section of a module that is disabled or absent on disk as it was.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { FIXTURES, eventually } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';

const KEY = 'fc-0123456789abcdef0123456789abcdef';
/** The section of a module this server does not have, as an older install left it. */
const RETIRED = { apiKey: 'sk-retired-0123456789abcdef', level: 3 };

describe('configuration sections declared by modules', function () {
  this.timeout(60_000);
  let s: TestServer;
  let dataDir: string;
  const file = () => path.join(dataDir, 'config.json');
  const disk = async () => JSON.parse(await readFile(file(), 'utf8'));
  const status = async (name: string) => ((await s.request('GET', '/api/system/modules')).body.data as Array<{ name: string; status: string; error?: string }>).find((m) => m.name === name);
  const plugins = (settings: unknown) => writeFile(path.join(dataDir, 'plugins.test.json'), JSON.stringify(settings));
  const fixture = (name: string) => readFile(path.join(FIXTURES, 'forecast', name), 'utf8');

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-module-sections-'));
    await writeFile(file(), JSON.stringify({ retired: RETIRED }));
    s = await startServer({ dataDir, modules: { real: ['auth', 'system', 'config'], fixtures: ['forecast'] } });
  });
  after(async () => {
    await s?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('validates, defaults and masks a declared section through /api/config, and the module reads it', async () => {
    expect((await s.request('GET', '/api/config/forecast')).body.data).to.deep.equal({ city: 'Berlin', units: 'metric', apiKey: '', endpoint: 'https://forecast.example/v1' });
    expect((await s.request('GET', '/api/forecast/today')).body.data).to.deep.equal({ city: 'Berlin', units: 'metric' });
    const schema = (await s.request('GET', '/api/config/schema')).body.data;
    expect(schema.properties.forecast.properties.apiKey).to.include({ 'x-secret': true });
    expect(schema.properties.forecast.properties.city.default).to.equal('Berlin');
    expect(schema.properties).to.have.property('web');

    const bad = await s.request('PUT', '/api/config', { body: { forecast: { units: 'kelvin', extra: 1 } } });
    expect(bad.status).to.equal(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).to.have.members(['forecast.units', 'forecast.extra']);

    const endpoint = 'https://user:pw-Sh0uldNotShow@forecast.example/v1?key=Tok3nTok3nTok3nTok3n';
    const set = await s.request('PUT', '/api/config', { body: { forecast: { apiKey: KEY, endpoint, city: 'Paris' } } });
    expect(set.body.data.updated).to.have.members(['forecast.apiKey', 'forecast.endpoint', 'forecast.city']);
    expect((await disk()).forecast).to.deep.include({ apiKey: KEY, endpoint });
    const shown = await s.request('GET', '/api/config/forecast');
    expect(shown.body.data.apiKey).to.equal('fc-****abcd'.replace('abcd', KEY.slice(-4)));
    for (const secret of [KEY, 'pw-Sh0uldNotShow', 'Tok3nTok3nTok3nTok3n']) expect(shown.text).to.not.include(secret);
    // Written back masked, nothing changes.
    expect((await s.request('PUT', '/api/config/forecast', { body: shown.body.data })).body.data.updated).to.deep.equal([]);
    expect((await s.request('GET', '/api/forecast/today')).body.data.city).to.equal('Paris');
  });

  it('keeps the section of a module that is absent as it is on disk: shown masked, carried through writes, not writable', async () => {
    const all = (await s.request('GET', '/api/config')).body.data;
    expect(all.retired).to.deep.equal({ apiKey: 'sk-****cdef', level: 3 });
    await s.request('PUT', '/api/config', { body: { 'web.publicUrl': 'https://bot.example' } });
    expect((await disk()).retired).to.deep.equal(RETIRED);

    const write = await s.request('PUT', '/api/config', { body: { retired: { level: 4 } } });
    expect(write.status).to.equal(400);
    expect(write.body.details).to.have.length(1);
    expect(write.body.details[0].path).to.equal('retired');
    expect(write.body.details[0].message).to.match(/no loaded module/);
    expect((await s.request('PUT', '/api/config/retired', { body: { level: 4 } })).body.code).to.equal('SECTION_NOT_FOUND');
    expect((await s.request('POST', '/api/config/unset', { body: { paths: ['retired.level'] } })).status).to.equal(400);

    // An export imported back, and one that leaves the section out, keep it.
    const exported = (await s.request('GET', '/api/config/export')).text;
    expect((await s.request('POST', '/api/config/import', { raw: exported, headers: { 'content-type': 'text/yaml' } })).body.data.updated).to.deep.equal([]);
    const { retired: _left, ...rest } = YAML.parse(exported);
    expect((await s.request('POST', '/api/config/import', { body: rest })).body.data.updated).to.deep.equal([]);
    expect((await disk()).retired).to.deep.equal(RETIRED);
  });

  it('keeps a disabled module’s section on disk untouched and refuses writes to it until the module is back', async () => {
    const before = (await disk()).forecast;
    await plugins({ forecast: { enabled: false } });
    await eventually(async () => (await status('forecast'))?.status === 'disabled', 5000, 'the module to be disabled');
    expect((await s.request('PUT', '/api/config', { body: { 'web.publicUrl': 'https://other.example' } })).status).to.equal(200);
    expect((await disk()).forecast).to.deep.equal(before);
    expect((await s.request('GET', '/api/config/forecast')).body.data.apiKey).to.equal(`fc-****${KEY.slice(-4)}`);
    expect((await s.request('PUT', '/api/config', { body: { forecast: { city: 'Rome' } } })).status).to.equal(400);

    await plugins({});
    await eventually(async () => (await status('forecast'))?.status === 'loaded', 5000, 'the module to be back');
    expect((await s.request('GET', '/api/forecast/today')).body.data.city).to.equal('Paris');
    expect((await s.request('PUT', '/api/config', { body: { forecast: { city: 'Rome' } } })).body.data.updated).to.deep.equal(['forecast.city']);
  });

  it('fails the reload of a module whose new schema the stored value does not fit, naming the path and changing nothing', async () => {
    const before = await readFile(file(), 'utf8');
    const original = await fixture('config.ts');
    await s.modules!.write('forecast/config.ts', original.replace("enum: ['metric', 'imperial']", "enum: ['kelvin']").replace("units: 'metric'", "units: 'kelvin'"));
    const failed = await eventually(async () => {
      const m = await status('forecast');
      return m?.status === 'failed' && m;
    }, 5000, 'the reload to fail');
    expect(failed.error).to.include('forecast.units').and.include('kept as it is');
    expect(await readFile(file(), 'utf8')).to.equal(before);
    // The previous version keeps serving, and its schema still judges the section.
    expect((await s.request('GET', '/api/forecast/today')).body.data.units).to.equal('metric');
    expect((await s.request('PUT', '/api/config', { body: { forecast: { units: 'kelvin' } } })).status).to.equal(400);

    await s.modules!.write('forecast/config.ts', original);
    await eventually(async () => (await status('forecast'))?.status === 'loaded', 5000, 'the module to load again');
    // A schema the value fits takes over at once: a new key gets its default, in memory only.
    await s.modules!.write('forecast/config.ts', original.replace("units: 'metric',", "units: 'metric', days: 3,").replace("city: { type: 'string', minLength: 1 },", "city: { type: 'string', minLength: 1 }, days: { type: 'integer' },"));
    await eventually(async () => (await s.request('GET', '/api/config/forecast')).body.data.days === 3, 5000, 'the new default');
    expect(await readFile(file(), 'utf8')).to.equal(before);
  });

  it('fails the build of a module whose declaration is bad, naming the field', async () => {
    const module = (config: string) => `import { defineModule } from '__KERNEL__/index.ts';\nexport default defineModule({ config: ${config}, routes() {} });\n`;
    const cases: Array<[string, string, RegExp]> = [
      ['badtype', "{ weather: { schema: { type: 'strng' } } }", /field "config\.weather\.schema" is not a valid JSON Schema/],
      ['badmark', "{ weather: { schema: { type: 'string', 'x-secret': 'yes' } } }", /field "config\.weather\.schema" is not a valid JSON Schema/],
      ['baddefaults', "{ weather: { schema: { type: 'object', properties: { days: { type: 'integer' } } }, defaults: { days: 'many' } } }", /field "config\.weather\.defaults": the defaults do not fit the schema: weather\.days must be integer/],
      ['badshape', "{ weather: { type: 'object' } }", /field "config\.weather" must be \{schema, defaults\?\}/],
      ['kernelsection', "{ web: { schema: { type: 'object' } } }", /"web" is declared by the kernel/],
      ['othersection', "{ forecast: { schema: { type: 'object' } } }", /"forecast" is declared by module "forecast"/],
    ];
    for (const [name, config] of cases) await s.modules!.write(`${name}/index.ts`, module(config));
    for (const [name, , error] of cases) {
      const m = await eventually(async () => {
        const found = await status(name);
        return found?.status === 'failed' && found;
      }, 5000, `${name} to fail`);
      expect(m.error, name).to.match(error);
    }
    expect((await s.request('GET', '/api/config/schema')).body.data.properties).to.not.have.property('weather');
    for (const [name] of cases) await s.modules!.remove(name);
  });

  it('gives a module’s ctx.config get, update and onChange only; import and rollback are the config module’s', async () => {
    expect((await s.request('GET', '/api/forecast/powers')).body.data).to.deep.equal({ config: ['get', 'onChange', 'update'], replace: 'undefined', rollback: 'undefined', admin: null });
    const { current } = (await s.request('GET', '/api/config/history')).body.data;
    expect((await s.request('POST', '/api/config/rollback', { body: { version: current - 1 } })).status).to.equal(200);
  });
});
