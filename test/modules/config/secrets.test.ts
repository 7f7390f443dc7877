/**
 * Every secret of the configuration, found by walking its schema: each field marked `x-secret`, and
 * each field whose name says secret (which must be marked), gets a value; no answer, export, history
 * or CLI output shows it in clear, and the masked values written back keep the stored ones.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeModulesDir, type ModulesDir } from '../../support/modules.ts';
import { ROOT, startServer, type TestServer } from '../../support/server.ts';

type Schema = { [key: string]: unknown; properties?: Record<string, Schema | boolean>; items?: Schema; additionalProperties?: Schema | boolean };
type Mark = true | 'url';

/** A string field of the schema: `features.imageGen.apis[].apiKey` (`[]` a list item, `*` a map value). */
interface Field {
  path: string;
  name: string;
  mark?: Mark;
}

/** Names that say "secret" — this test's own list, kept apart from the code's on purpose. */
const SECRET_NAME = /(key|token|secret|passw(or)?d|pwd|cookie|sessdata|credentials?|auth|signature)$|password|secret|token|cookie|credential/i;
/** Names that say "URL": such a field may carry credentials and must be marked `url`, unless it is public by design. */
const URL_NAME = /url$/i;
/** Printed in every login link (docs/http.md#authentication): public by design. */
const PUBLIC_URLS = ['web.publicUrl', 'web.loginLinks[].baseUrl'];

function stringFields(schema: Schema, at: string, name: string, out: Field[]): Field[] {
  const type = schema.type;
  if (type === 'string' || (Array.isArray(type) && type.includes('string'))) out.push({ path: at, name, mark: schema['x-secret'] as Mark | undefined });
  for (const [key, child] of Object.entries(schema.properties ?? {})) if (typeof child === 'object') stringFields(child, at ? `${at}.${key}` : key, key, out);
  if (schema.items && typeof schema.items === 'object') stringFields(schema.items, `${at}[]`, name, out);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') stringFields(schema.additionalProperties, `${at}.*`, name, out);
  return out;
}

/** Sets `value` at a field path in `target`, making list items (index 0) and map entries (`k`) on the way. */
function place(target: Record<string, unknown>, at: string, value: string): void {
  const segments = at.split('.');
  let node: Record<string, unknown> = target;
  segments.forEach((segment, i) => {
    const list = segment.endsWith('[]');
    const key = list ? segment.slice(0, -2) : segment === '*' ? 'k' : segment;
    const last = i === segments.length - 1;
    if (list) {
      const items = (node[key] ??= [last ? value : {}]) as unknown[];
      node = items[0] as Record<string, unknown>;
    } else if (last) node[key] = value;
    else node = (node[key] ??= {}) as Record<string, unknown>;
  });
}

const run = promisify(execFile);
/** `npm run config -- <args>` as its own process; rejects on a non-zero exit. */
const cli = async (dataDir: string, ...args: string[]) =>
  (await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/config.ts'), ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } })).stdout;

describe('config secrets, walking the schema', function () {
  // The CLI runs as real processes (tsx startup included).
  this.timeout(120_000);
  let s: TestServer;
  let mods: ModulesDir;
  let fields: Field[];
  /** What must never be shown: every secret value, and each secret piece of every secret URL. */
  const secrets: string[] = [];
  let file: string;
  const disk = async () => JSON.parse(await readFile(file, 'utf8'));

  // Keys the schema does not declare (sections are open to modules) are judged by their name and, as text, as URLs.
  const undeclared: Field[] = [
    { path: 'web.cookieSecret', name: 'cookieSecret', mark: true },
    { path: 'features.imageGen.customPresets[].token', name: 'token', mark: true },
    { path: 'proxy.profiles[].server', name: 'server', mark: 'url' },
  ];

  before(async () => {
    mods = await makeModulesDir({ real: ['auth', 'system', 'config'] });
    s = await startServer({ modulesDir: mods.dir });
    file = path.join(s.dataDir, 'config.json');
    fields = stringFields((await s.request('GET', '/api/config/schema')).body.data, '', '', []);
  });
  after(async () => {
    await s?.stop();
    await mods?.cleanup();
  });

  it('marks every field whose name says secret, and every URL that is not public', () => {
    const marked = fields.filter((f) => f.mark);
    expect(marked.map((f) => f.path)).to.include.members(['mcp.server.apiKey', 'redis.password', 'features.imageGen.apis[].apiKey', 'proxy.profiles[].password', 'proxy.profiles[].url']);
    for (const f of marked) expect([true, 'url'], f.path).to.include(f.mark);
    const unmarked = fields.filter((f) => !f.mark && (SECRET_NAME.test(f.name) || (URL_NAME.test(f.name) && !PUBLIC_URLS.includes(f.path))));
    expect(unmarked.map((f) => f.path), 'fields that look secret but carry no x-secret mark').to.deep.equal([]);
  });

  it('shows no secret in clear in any answer, export, history or CLI output, and keeps them when written back masked', async () => {
    const partial: Record<string, unknown> = {};
    const targets = [...fields.filter((f) => f.mark), ...undeclared];
    targets.forEach((f, i) => {
      const token = `Tok${i}x${Math.random().toString(36).slice(2, 14)}Q9`;
      if (f.mark === 'url') {
        const pieces = [`pw${i}-${token}`, `Path${token}`, `key${i}${token}`];
        secrets.push(...pieces);
        place(partial, f.path, `http://user${i}:${pieces[0]}@host${i}.example:8080/sse/${pieces[1]}?api_key=${pieces[2]}&mode=x`);
      } else {
        secrets.push(`s3cr3t-${token}`);
        place(partial, f.path, `s3cr3t-${token}`);
      }
    });
    const set = await s.request('PUT', '/api/config', { body: partial });
    expect(set.status, set.text).to.equal(200);
    const stored = await disk();
    for (const secret of secrets) expect(JSON.stringify(stored)).to.include(secret);
    for (const secret of secrets) expect(set.text).to.not.include(secret);

    const { current } = (await s.request('GET', '/api/config/history')).body.data;
    const sections = Object.keys(stored);
    const answers = await Promise.all([
      s.request('GET', '/api/config'),
      s.request('GET', '/api/config/export'),
      s.request('GET', '/api/config/history'),
      s.request('GET', `/api/config/history/${current}`),
      s.request('GET', `/api/config/history/${current - 1}`),
      ...sections.map((section) => s.request('GET', `/api/config/${section}`)),
    ]);
    const rollback = await s.request('POST', '/api/config/rollback', { body: { version: current } });
    const offline = await mkdtemp(path.join(tmpdir(), 'chatai-secrets-cli-'));
    await copyFile(file, path.join(offline, 'config.json'));
    const printed = await Promise.all(
      [s.dataDir, offline].flatMap((dir) => [cli(dir, 'get', '--json'), cli(dir, 'export'), cli(dir, 'get', 'mcp.server.apiKey')]),
    );
    await rm(offline, { recursive: true, force: true });
    for (const text of [...answers.map((a) => a.text), rollback.text, ...printed]) {
      for (const secret of secrets) expect(text).to.not.include(secret);
    }
    for (const answer of answers) expect(answer.status, answer.text).to.equal(200);
    // Masked, not dropped: every secret field shows its mask.
    const shown = answers[0].body.data;
    expect(JSON.stringify(shown).split('****').length - 1).to.be.at.least(targets.length);

    // Written back masked — whole, by section, as an export imported — nothing changes.
    expect((await s.request('PUT', '/api/config', { body: shown })).body.data.updated).to.deep.equal([]);
    for (const [i, section] of sections.entries()) {
      const put = await s.request('PUT', `/api/config/${section}`, { body: answers[5 + i].body.data });
      expect(put.body.data?.updated, `${section}: ${put.text}`).to.deep.equal([]);
    }
    const imported = await s.request('POST', '/api/config/import', { raw: answers[1].text, headers: { 'content-type': 'text/yaml' } });
    expect(imported.body.data?.updated, imported.text).to.deep.equal([]);
    expect(await disk()).to.deep.equal(stored);
  });

  it('matches list items by id, else by index, and refuses a mask that is not the stored value’s own', async () => {
    const [pa, pb, ka, kb] = ['pass-a-0123456789abcdef', 'pass-b-0123456789abcdeg', 'sk-a-0123456789abcdef', 'sk-b-0123456789abcdeg'];
    await s.request('PUT', '/api/config', {
      body: { proxy: { profiles: [{ id: 'a', password: pa }, { id: 'b', password: pb }] }, features: { imageGen: { apis: [{ apiKey: ka }, { apiKey: kb }] } } },
    });
    const shown = (await s.request('GET', '/api/config')).body.data;
    const reordered = [...shown.proxy.profiles].reverse();
    expect((await s.request('PUT', '/api/config', { body: { 'proxy.profiles': reordered } })).status).to.equal(200);
    expect((await disk()).proxy.profiles).to.deep.equal([{ id: 'b', password: pb }, { id: 'a', password: pa }]);

    // Without ids, a reversed list puts each mask against the other item's key.
    const before = await readFile(file, 'utf8');
    const res = await s.request('PUT', '/api/config', { body: { 'features.imageGen.apis': [...shown.features.imageGen.apis].reverse() } });
    expect(res.status, res.text).to.equal(400);
    expect(res.body.code).to.equal('VALIDATION_ERROR');
    expect(res.body.details.map((d: { path: string }) => d.path)).to.deep.equal(['features.imageGen.apis.0.apiKey', 'features.imageGen.apis.1.apiKey']);
    expect(await readFile(file, 'utf8')).to.equal(before);
  });
});
