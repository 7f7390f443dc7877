import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { manyKeys, NESTED_YAML } from '../support/hostile-yaml.ts';
import { makeModulesDir, type ModulesDir } from '../support/modules.ts';
import { ROOT, startServer, type TestServer } from '../support/server.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run config -- <args>` as its own process (the script itself, without npm's banner) with `env` added. */
function cliWith(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/config.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const cli = (dataDir: string, ...args: string[]) => cliWith({ DATA_DIR: dataDir }, ...args);

/** Each verb against `dataDir`; `source` is what the history records for a CLI write (`api` through a server). */
function verbs(context: () => { dataDir: string; source: string; files: string }) {
  it('set parses JSON values (else takes a string) and get reads them back', async () => {
    const { dataDir, source } = context();
    const set = await cli(dataDir, 'set', 'trigger.prefixes', '["#cli"]');
    expect(set, set.stderr).to.include({ code: 0 });
    expect(set.stdout).to.match(/^updated trigger\.prefixes \(version \d+\)/);
    expect((await cli(dataDir, 'set', 'web.publicUrl', 'https://bot.example', '--json')).stdout).to.match(/"updated":\["web.publicUrl"\]/);

    const [prefixes, url, history] = await Promise.all([
      cli(dataDir, 'get', 'trigger.prefixes', '--json'),
      cli(dataDir, 'get', 'web.publicUrl'),
      cli(dataDir, 'history', '--json'),
    ]);
    expect(JSON.parse(prefixes.stdout)).to.deep.equal(['#cli']);
    expect(url.stdout).to.equal('https://bot.example\n');
    expect(JSON.parse(history.stdout).versions[0]).to.deep.include({ source, paths: ['web.publicUrl'] });
  });

  it('unset puts a key back to its default', async () => {
    const { dataDir } = context();
    const res = await cli(dataDir, 'unset', 'web.publicUrl');
    expect(res.code).to.equal(0);
    expect(res.stdout).to.match(/^updated web\.publicUrl/);
    expect((await cli(dataDir, 'get', 'web.publicUrl', '--json')).stdout.trim()).to.equal('""');
  });

  it('export prints YAML that import takes back; validate checks a file without applying it', async () => {
    const { dataDir, files } = context();
    const exported = await cli(dataDir, 'export');
    expect(exported.code).to.equal(0);
    const config = YAML.parse(exported.stdout);
    expect(config.trigger.prefixes).to.deep.equal(['#cli']);
    config.trigger.keywords = ['imported'];
    const good = path.join(files, 'good.yaml');
    await writeFile(good, YAML.stringify(config));
    const bad = path.join(files, 'bad.yaml');
    await writeFile(bad, 'trigger:\n  group:\n    at: maybe\nnope: 1\n');

    const [valid, invalid] = await Promise.all([cli(dataDir, 'validate', good), cli(dataDir, 'validate', bad, '--json')]);
    expect(valid).to.include({ code: 0 });
    expect(invalid.code).to.equal(1);
    expect(invalid.stderr.trim().split('\n')).to.have.length(1);
    expect(invalid.stderr).to.include('trigger.group.at must be boolean').and.include('nope is not a configuration section');
    expect(JSON.parse(invalid.stdout).details).to.have.length(2);

    const imported = await cli(dataDir, 'import', good);
    expect(imported.stdout).to.match(/^updated trigger\.keywords/); // so validate did not apply it
    expect(JSON.parse((await cli(dataDir, 'export', '--json')).stdout).trigger.keywords).to.deep.equal(['imported']);
  });

  it('history lists versions and rollback returns to one', async () => {
    const { dataDir } = context();
    const { current } = JSON.parse((await cli(dataDir, 'history', '--json')).stdout);
    await cli(dataDir, 'set', 'basic.debug', 'true');
    const listed = await cli(dataDir, 'history');
    expect(listed.stdout.split('\n')[0]).to.match(new RegExp(`^\\*\\s+${current + 1}\\s.*basic\\.debug`));
    const back = await cli(dataDir, 'rollback', String(current), '--json');
    expect(JSON.parse(back.stdout)).to.deep.equal({ updated: ['basic.debug'], version: current + 2 });
  });

  it('fails with exit code 1 and a one-line reason, changing nothing', async () => {
    const { dataDir, files } = context();
    const before = (await cli(dataDir, 'export', '--json')).stdout;
    const broken = path.join(files, 'broken.yaml');
    await writeFile(broken, 'trigger: [\n');
    const runs = await Promise.all([
      cli(dataDir, 'set', 'trigger.group.at', 'maybe'),
      cli(dataDir, 'set', 'web.jwtSecret', 'x'),
      cli(dataDir, 'import', broken),
      cli(dataDir, 'import', path.join(files, 'missing.yaml')),
      cli(dataDir, 'rollback', '99999'),
      cli(dataDir, 'get', 'no.such.key'),
    ]);
    for (const run of runs) {
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stderr.trim().split('\n'), run.stderr).to.have.length(1);
      expect(run.stderr).to.match(/^config: /);
    }
    expect(runs[2].stderr).to.match(/line \d+, column \d+/);
    expect((await cli(dataDir, 'export', '--json')).stdout).to.equal(before);
  });

  it('refuses a file nested too deep or repeating a key among 40,000, in one line', async () => {
    const { dataDir, files } = context();
    const nested = path.join(files, 'nested.yaml');
    await writeFile(nested, NESTED_YAML);
    const keys = path.join(files, 'keys.yaml');
    await writeFile(keys, manyKeys(40_000));
    const runs = await Promise.all([cli(dataDir, 'validate', nested), cli(dataDir, 'import', nested), cli(dataDir, 'validate', keys)]);
    for (const run of runs) {
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stderr.trim().split('\n'), run.stderr).to.have.length(1);
    }
    expect(runs[0].stderr).to.match(/nested more than 64 levels deep/);
    expect(runs[1].stderr).to.match(/nested more than 64 levels deep/);
    expect(runs[2].stderr).to.include('line 40000, column 1: Map keys must be unique: "key0" is repeated');
  });

  it('shows secret values masked; the masked value set back keeps the stored one', async () => {
    const { dataDir } = context();
    const key = 'mcp-0123456789abcdef0123456789abcdef';
    expect((await cli(dataDir, 'set', 'mcp.server.apiKey', key)).code).to.equal(0);
    const [got, exported] = await Promise.all([cli(dataDir, 'get', 'mcp.server.apiKey'), cli(dataDir, 'export')]);
    expect(got.stdout).to.equal('mcp-****cdef\n');
    expect(exported.stdout).to.include('mcp-****cdef').and.not.include(key);
    expect((await cli(dataDir, 'set', 'mcp.server.apiKey', 'mcp-****cdef')).code).to.equal(0);
    expect(JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')).mcp.server.apiKey).to.equal(key);
  });
}

describe('npm run config', function () {
  // Every verb is a real process (tsx startup included): generous on a busy machine.
  this.timeout(120_000);
  let files: string;
  before(async () => {
    files = await mkdtemp(path.join(tmpdir(), 'chatai-config-cli-'));
  });
  after(() => rm(files, { recursive: true, force: true }));

  describe('with the server running', () => {
    let s: TestServer;
    let mods: ModulesDir;
    before(async () => {
      mods = await makeModulesDir({ real: ['auth', 'system', 'config'] });
      s = await startServer({ modulesDir: mods.dir });
    });
    after(async () => {
      await s?.stop();
      await mods?.cleanup();
    });

    verbs(() => ({ dataDir: s.dataDir, source: 'api', files }));

    it('changes what the running server answers at once', async () => {
      await cli(s.dataDir, 'set', 'context.maxMessages', '42');
      expect((await s.request('GET', '/api/config/context')).body.data.maxMessages).to.equal(42);
      expect(s.output()).to.not.include('applied the edit'); // through the API, not the file
    });
  });

  describe('with no server running', () => {
    let dataDir: string;
    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-config-offline-'));
      // A server that died without cleaning up: its server.json must not be trusted.
      await writeFile(path.join(dataDir, 'server.json'), JSON.stringify({ url: 'http://127.0.0.1:9', pid: 2 ** 22 + 1 }));
    });
    after(() => rm(dataDir, { recursive: true, force: true }));

    verbs(() => ({ dataDir, source: 'cli', files }));

    it('edits config.json itself, which a server started later uses', async () => {
      await cli(dataDir, 'set', 'memory.maxMemories', '77');
      expect(JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')).memory.maxMemories).to.equal(77);
      const mods = await makeModulesDir({ real: ['auth', 'system', 'config'] });
      const s = await startServer({ dataDir, modulesDir: mods.dir });
      try {
        expect((await s.request('GET', '/api/config/memory')).body.data.maxMemories).to.equal(77);
      } finally {
        await s.stop();
        await mods.cleanup();
      }
    });
  });

  describe('with a module that declares its own section, no server running', () => {
    let dataDir: string;
    let mods: ModulesDir;
    let env: Record<string, string>;
    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'chatai-config-sections-'));
      mods = await makeModulesDir({ real: ['config'], fixtures: ['forecast'] });
      env = { DATA_DIR: dataDir, MODULES_DIR: mods.dir, PLUGINS_FILE: path.join(dataDir, 'plugins.json') };
    });
    after(async () => {
      await rm(dataDir, { recursive: true, force: true });
      await mods.cleanup();
    });

    it('reads the section from the module’s config.ts: defaults, validation and masking as the server does', async () => {
      expect((await cliWith(env, 'get', 'forecast.city')).stdout).to.equal('Berlin\n');
      const bad = await cliWith(env, 'set', 'forecast.units', 'kelvin');
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.include('forecast.units must be equal to one of the allowed values');
      const key = 'fc-0123456789abcdef0123456789abcdef';
      expect((await cliWith(env, 'set', 'forecast.apiKey', key)).code).to.equal(0);
      expect((await cliWith(env, 'get', 'forecast.apiKey')).stdout).to.equal('fc-****cdef\n');
    });

    it('keeps the section of a module disabled in plugins.json as it is, and refuses to change it', async () => {
      await writeFile(env.PLUGINS_FILE, JSON.stringify({ forecast: { enabled: false } }));
      const before = JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')).forecast;
      expect((await cliWith(env, 'set', 'web.publicUrl', 'https://bot.example')).code).to.equal(0);
      expect(JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')).forecast).to.deep.equal(before);
      const refused = await cliWith(env, 'set', 'forecast.city', 'Rome');
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.include('forecast belongs to no loaded module');
    });
  });

  describe('usage', () => {
    it('exits 2 with the usage for an unknown verb, wrong arguments or a bad path', async () => {
      const runs = await Promise.all([
        cli(files, 'frobnicate'),
        cli(files, 'set', 'only-a-path'),
        cli(files),
        cli(files, 'get', 'a..b'),
        cli(files, 'rollback', 'latest'),
      ]);
      for (const run of runs) {
        expect(run.code, run.stderr).to.equal(2);
        expect(run.stderr).to.match(/^config: |^usage: /);
      }
    });

    it('runs as the npm script', async () => {
      const run = await new Promise<Run>((resolve) =>
        execFile('npm', ['run', '-s', 'config', '--', 'get', 'trigger.private.mode'], { cwd: ROOT, env: { ...process.env, DATA_DIR: files } }, (err, stdout, stderr) =>
          resolve({ code: err ? 1 : 0, stdout, stderr }),
        ),
      );
      expect(run, run.stderr).to.include({ code: 0, stdout: 'prefix\n' });
    });
  });
});
