import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { TestServer } from '../../support/server.ts';
import { callTool, startToolsKernel } from './harness.ts';

const WORDS = `import { createHash } from 'node:crypto';
export default {
  name: 'word_count',
  description: 'Counts words',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  run(args) {
    return { words: args.text.split(/\\s+/).filter(Boolean).length, hash: createHash('md5').update(args.text).digest('hex').slice(0, 6) };
  },
};
`;

describe('JS tool files (/api/tools/js)', () => {
  let s: TestServer;
  before(async () => {
    s = await startToolsKernel({ extra: ['system'] });
  });
  after(async () => {
    await s?.stop();
  });

  it('creates a file from a template (201) whose tool works at once', async () => {
    const res = await s.request('POST', '/api/tools/js', { body: { name: 'echo_tool' } });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.data).to.deep.equal({ success: true, filename: 'echo_tool.js' });
    const { value } = await callTool(s, 'echo_tool', { text: 'hi' });
    expect(value).to.deep.equal({ echo: 'hi', user: 'master' });
    expect((await s.request('GET', '/api/tools/echo_tool')).body.data).to.include({ category: 'js', source: 'custom' });
  });

  it('writes a file with PUT, can import node modules, and lists and reads it', async () => {
    const put = await s.request('PUT', '/api/tools/js/words', { body: { source: WORDS } });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.data).to.deep.equal({ success: true, message: 'saved and reloaded' });
    const { value } = await callTool(s, 'word_count', { text: 'one two  three' });
    expect(value).to.deep.equal({ words: 3, hash: createHash('md5').update('one two  three').digest('hex').slice(0, 6) });
    const list = (await s.request('GET', '/api/tools/js')).body.data;
    expect(list.map((f: { name: string }) => f.name)).to.deep.equal(['echo_tool', 'words']);
    expect(list[1]).to.include({ filename: 'words.js', toolName: 'word_count', description: 'Counts words', loaded: true, size: Buffer.byteLength(WORDS) });
    const read = await s.request('GET', '/api/tools/js/words.js');
    expect(read.body.data).to.include({ name: 'words', source: WORDS });
  });

  it('reloads the tool when its file is rewritten, and after a restart', async () => {
    await s.request('PUT', '/api/tools/js/words', { body: { source: WORDS.replace("'Counts words'", "'Counts words, v2'") } });
    expect((await s.request('GET', '/api/tools/word_count')).body.data.description).to.equal('Counts words, v2');
    await s.restart();
    s.token = await s.loginAs({});
    expect((await callTool(s, 'word_count', { text: 'a b' })).value.words).to.equal(2);
    expect((await s.request('POST', '/api/tools/js/reload')).body.data).to.deep.equal({ success: true, count: 2, failed: 0 });
  });

  it('keeps JS and custom tools across a hot reload of the tools module', async () => {
    await s.request('POST', '/api/tools/custom', { body: { name: 'twice', handler: 'return args.n * 2;', parameters: { type: 'object', properties: { n: { type: 'number' } } } } });
    const reload = await s.request('POST', '/api/system/modules/tools/reload');
    expect(reload.status, reload.text).to.equal(200);
    expect((await callTool(s, 'word_count', { text: 'a b c' })).value.words).to.equal(3);
    expect((await callTool(s, 'twice', { n: 21 })).value).to.equal(42);
    const files = (await s.request('GET', '/api/tools/js')).body.data;
    expect(files.every((f: { loaded: boolean }) => f.loaded), JSON.stringify(files)).to.equal(true);
    await s.request('DELETE', '/api/tools/custom/twice');
  });

  it('refuses a file that does not compile, does not load, has no run(), or takes a used name', async () => {
    for (const [source, status] of [
      ['export default {', 400],
      ['throw new Error("at load")', 400],
      ['export default { name: "x1" }', 400],
      ['export default { name: "bad name", run() {} }', 400],
      ['export default { name: "x2", timeoutMs: 0, run() {} }', 400],
      ['export default { name: "x3", timeoutMs: "soon", run() {} }', 400],
      ['export default { name: "calculate", run() {} }', 409],
      ['export default { name: "echo_tool", run() {} }', 409],
      ['export default { name: "word_count", run() {} }', 409],
    ] as const) {
      const res = await s.request('PUT', '/api/tools/js/broken', { body: { source } });
      expect(res.status, `${source}: ${res.text}`).to.equal(status);
    }
    expect((await s.request('GET', '/api/tools/js/broken')).status).to.equal(404);
    expect((await callTool(s, 'calculate', { expression: '1+1' })).value.result).to.equal(2);
  });

  it('refuses a second POST of the same name with 409', async () => {
    const res = await s.request('POST', '/api/tools/js', { body: { name: 'words' } });
    expect(res.status).to.equal(409);
    expect(res.body.code).to.equal('TOOL_EXISTS');
  });

  it('allows only plain file names', async () => {
    for (const [method, p, body] of [
      ['GET', '/api/tools/js/..%2F..%2Fconfig', undefined],
      ['GET', '/api/tools/js/a.b', undefined],
      ['PUT', '/api/tools/js/-x', { source: WORDS }],
      ['POST', '/api/tools/js', { name: '../evil' }],
      ['POST', '/api/tools/js', { name: 'x/y' }],
      ['PUT', '/api/tools/js/ok', {}],
      ['PUT', '/api/tools/js/ok', { source: '' }],
      ['DELETE', '/api/tools/js/a%00b', undefined],
    ] as const) {
      const res = await s.request(method, p, { body });
      expect(res.status, `${method} ${p}`).to.equal(400);
      expect(res.body.code).to.equal('VALIDATION_ERROR');
    }
  });

  it('deletes a file and unregisters its tool', async () => {
    expect((await s.request('DELETE', '/api/tools/js/words')).body.data).to.deep.equal({ success: true });
    expect((await s.request('GET', '/api/tools/word_count')).status).to.equal(404);
    const again = await s.request('DELETE', '/api/tools/js/words');
    expect(again.status).to.equal(404);
    expect(again.body.code).to.equal('TOOL_NOT_FOUND');
  });
});
