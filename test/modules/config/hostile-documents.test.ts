import { expect } from 'chai';
import { manyKeys, NESTED_YAML, QUICK_MS } from '../../support/hostile-yaml.ts';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { startServer, type TestServer } from '../../support/server.ts';

describe('config module: hostile documents (default 1 MB body limit)', function () {
  this.timeout(120_000);
  let s: TestServer;
  let mods: ModulesDir;
  const yaml = (text: string) => ({ raw: text, headers: { 'content-type': 'text/yaml' } });
  const expectHealthy = async () => expect((await s.request('GET', '/api/system/health', { token: null })).status).to.equal(200);

  before(async () => {
    mods = await makeModulesDir({ real: ['auth', 'system', 'config'] });
    s = await startServer({ modulesDir: mods.dir });
  });
  after(async () => {
    await s?.stop();
    await mods?.cleanup();
  });

  it('answers 400 to YAML nested 1,000 deep, twice on each route, and keeps answering', async () => {
    const answers = [];
    for (const route of ['/api/config/validate', '/api/config/import']) {
      for (const round of [1, 2]) {
        const res = await s.request('POST', route, yaml(NESTED_YAML));
        expect(res.status, `${route}, request ${round}`).to.equal(400);
        answers.push(res.body);
      }
    }
    await expectHealthy();
    for (const body of answers) {
      expect(body.code).to.equal('VALIDATION_ERROR');
      expect(body.error).to.match(/nested more than 64 levels deep \(line 1, column \d+\)/);
    }
  });

  it('finds a repeated key among 40,000 quickly, naming its line and column', async () => {
    const keys = manyKeys(40_000);
    for (const route of ['/api/config/validate', '/api/config/import']) {
      const started = performance.now();
      const res = await s.request('POST', route, yaml(keys));
      expect(performance.now() - started, route).to.be.below(QUICK_MS);
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.include({ code: 'PARSE_ERROR', line: 40_000, column: 1 });
      expect(res.body.error).to.equal('YAML parse error at line 40000, column 1: Map keys must be unique: "key0" is repeated');
    }
    await expectHealthy();
  });

  it('answers JSON nested 500,000 (arrays) and 150,000 (objects) deep, and deep form bodies, with a 4xx, and keeps answering', async () => {
    // JSON.parse and the depth check after it are loops, not recursion: no stack to overflow.
    for (const raw of ['['.repeat(500_000) + ']'.repeat(500_000), '{"a":'.repeat(150_000) + '1' + '}'.repeat(150_000)]) {
      const res = await s.request('POST', '/api/config/validate', { raw, headers: { 'content-type': 'application/json' } });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.match(/nested more than 64 levels deep/);
    }
    // Refused (415) where a route does not document forms; qs, where it reads one, stops at 5 levels.
    const form = await s.request('POST', '/api/config/validate', { raw: `a${'[b]'.repeat(100_000)}=1`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).to.be.oneOf([400, 415]);
    await expectHealthy();
  });
});
