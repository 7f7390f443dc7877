import { expect } from 'chai';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { startServer, type TestServer } from '../support/server.ts';

describe('GET /api/openapi.json with every built-in module', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => s?.stop());

  it('passes redocly lint with its recommended rules without errors', async () => {
    const res = await s.request('GET', '/api/openapi.json');
    expect(res.status).to.equal(200);
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: res.text, config, absoluteRef: `${s.url}/api/openapi.json` });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).to.deep.equal([]);
  });

  it('documents the routes of every loaded module', async () => {
    const doc = (await s.request('GET', '/api/openapi.json')).body;
    const modules = (await s.request('GET', '/api/system/modules')).body.data as Array<{ name: string; status: string; prefix: string }>;
    const tags = new Set(Object.values(doc.paths as Record<string, Record<string, { tags: string[] }>>).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags)));
    for (const m of modules.filter((x) => x.status === 'loaded')) expect(tags, m.name).to.include(m.name);
  });
});
