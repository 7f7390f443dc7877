import { expect } from 'chai';
import { startServer, type TestServer } from '../support/server.ts';

type Operation = { requestBody?: { content?: Record<string, { schema?: unknown }> }; 'x-no-body'?: boolean };

describe('GET /api/openapi.json: request bodies (docs/http.md#openapi)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => s?.stop());

  it('gives every POST, PUT and PATCH a request body with a schema, unless its route says it takes none', async () => {
    const doc = (await s.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!['post', 'put', 'patch'].includes(method) || op['x-no-body']) continue;
        const schemas = Object.values(op.requestBody?.content ?? {}).map((m) => m.schema);
        if (!schemas.length || schemas.some((x) => x === undefined)) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('documents PUT /api/config/{section} with a body schema', async () => {
    const doc = (await s.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    expect(doc.paths['/api/config/{section}']?.put?.requestBody?.content?.['application/json']?.schema).to.be.an('object');
  });
});
