import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestServer } from '../../support/server.ts';
import { callTool, startToolsKernel } from './harness.ts';

// Every secret below contains SECRET: none may be found in the log files.
const SECRETS = {
  header: 'Bearer sk-HEADERSECRET0123456789',
  apiKeyHeader: 'XKEYSECRET0123456789',
  query: 'QUERYSECRET0123456789',
  body: 'BODYSECRET0123456789',
  nested: 'NESTEDSECRET0123456789',
  text: 'dGV4dFNFQ1JFVDAxMjM0NTY3ODk=',
  result: 'RESULTSECRET0123456789',
  big: 'BIGSECRET0123456789',
  old: 'Bearer OLDSECRET0123456789',
};

describe('tool call logs keep no credentials', () => {
  let s: TestServer;
  let dataDir: string;
  const logDir = () => path.join(dataDir, 'tool-logs');

  before(async () => {
    // A chunk written by an older version: readable by others, with a header in clear.
    dataDir = await mkdtemp(path.join(tmpdir(), 'tool-log-secrets-'));
    await mkdir(path.join(dataDir, 'tool-logs'));
    const old = {
      id: 'old-1', timestamp: 1, toolName: 'http_fetch', request: { url: 'https://example.com', headers: { Authorization: SECRETS.old } },
      response: null, success: false, error: null, duration: 1, userId: 'master', groupId: null, source: 'builtin', caller: 'tools',
    };
    await writeFile(path.join(dataDir, 'tool-logs', '0000000000.json'), JSON.stringify({ entries: [old] }), { mode: 0o644 });
    s = await startToolsKernel({ dataDir });
  });
  after(async () => {
    await s?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('masks credentials in arguments, results and previews, at any depth, and keeps the rest', async () => {
    // Refused (a loopback address), but recorded with its arguments.
    const fetch = await callTool(s, 'http_fetch', {
      url: `http://127.0.0.1:9/private?api_key=${SECRETS.query}&page=2`,
      method: 'POST',
      headers: { Authorization: SECRETS.header, 'X-Api-Key': SECRETS.apiKeyHeader, Accept: 'application/json' },
      body: JSON.stringify({ password: SECRETS.body, user: 'ada' }),
    });
    expect(fetch.res.status).to.be.within(400, 499);
    await s.request('POST', '/api/tools/custom', {
      body: { name: 'echo_args', parameters: { type: 'object' }, handler: `return { echoed: args, session: { token: '${SECRETS.result}' } };` },
    });
    const echo = await callTool(s, 'echo_args', {
      deep: { list: [{ apiKey: SECRETS.nested, label: 'kept' }] },
      command: `curl -H "Authorization: Basic ${SECRETS.text}" https://example.com`,
      maxTokens: 5,
      model: 'gpt-x',
    });
    expect(echo.res.status, echo.res.text).to.equal(200);
    const big = await callTool(s, 'echo_args', { authorization: `Bearer ${SECRETS.big}`, padding: 'x'.repeat(3000) });
    expect(big.res.status).to.equal(200);

    const [bigEntry, echoEntry, fetchEntry] = (await s.request('GET', '/api/tools/logs?limit=3')).body.data.logs;
    expect(fetchEntry.toolName).to.equal('http_fetch');
    expect(fetchEntry.request.headers.Accept).to.equal('application/json');
    expect(fetchEntry.request.url).to.include('page=2');
    expect(echoEntry.request).to.deep.include({ maxTokens: 5, model: 'gpt-x' });
    expect(echoEntry.request.deep.list[0].label).to.equal('kept');
    expect(bigEntry.request.truncated).to.equal(true);
    const shown = JSON.stringify([bigEntry, echoEntry, fetchEntry]);
    for (const [name, secret] of Object.entries(SECRETS)) expect(shown, name).not.to.include(secret.replace(/^Bearer /, ''));
  });

  it('writes the log files with mode 0600 and no credential in them, old chunks included', async () => {
    const files = (await readdir(logDir())).filter((f) => f.endsWith('.json'));
    expect(files).to.include('0000000000.json');
    for (const file of files) {
      const full = path.join(logDir(), file);
      expect((await stat(full)).mode & 0o777, file).to.equal(0o600);
      const text = await readFile(full, 'utf8');
      for (const [name, secret] of Object.entries(SECRETS)) expect(text, `${file}: ${name}`).not.to.include(secret.replace(/^Bearer /, ''));
    }
  });
});
