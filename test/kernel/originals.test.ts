/**
 * A module's `originals` (docs/modules.md#originals): the original plugin's paths outside the module's
 * prefix, answered by the target route's own middleware and marked deprecated.
 */
import { expect } from 'chai';
import { eventually } from '../support/modules.ts';
import { startServer, type TestServer } from '../support/server.ts';

const MODULE = (originals: string) => `
export default {
  name: 'things',
  public: ['/ping'],
  originals: ${originals},
  routes(router, ctx) {
    router.get('/ping', ctx.validate({ summary: 'Public ping', rateLimit: false }), (c) => { c.body = { pong: true }; });
    router.get('/', ctx.validate({ summary: 'List things' }), (c) => { c.body = ['a', 'b']; });
    router.get('/:id', ctx.validate({ summary: 'One thing', params: { type: 'object', properties: { id: { type: 'string', pattern: '^[a-z]+$' } } } }), (c) => { c.body = { id: c.params.id }; });
    router.put('/:id', ctx.validate({ summary: 'Change a thing', params: { type: 'object', properties: { id: { type: 'string' } } }, body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }), (c) => { c.body = { id: c.params.id, name: c.request.body.name }; });
    router.delete('/:id', ctx.validate({ summary: 'Delete a thing', params: { type: 'object', properties: { id: { type: 'string' } } } }), (c) => { c.body = { deleted: c.params.id }; });
  },
};
`;

const ORIGINALS = `{ 'GET /api/thing/list': '/', '/api/thing/:id': '/:id', 'GET /api/thing-ping': '/ping' }`;

describe('module originals (docs/modules.md#originals)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ modules: { real: ['auth', 'system'] } });
    await s.modules!.write('things/index.js', MODULE(ORIGINALS));
    await eventually(async () => (await s.request('GET', '/api/things')).status === 200, 10_000, 'the module loads');
  });
  after(async () => {
    await s?.stop();
    await s?.modules?.cleanup();
  });

  const strip = (body: { success?: boolean; code?: string; data?: unknown }) => (body.success === false ? { success: false, code: body.code } : body);

  it('answers each original like its route: status, body, validation, and every method of a path given without one', async () => {
    const pairs: Array<[string, string, string, unknown?]> = [
      ['GET', '/api/thing/list', '/api/things'],
      ['GET', '/api/thing/abc', '/api/things/abc'],
      ['GET', '/api/thing/ABC', '/api/things/ABC'], // the route's params schema refuses it: 400 both
      ['PUT', '/api/thing/abc', '/api/things/abc', { name: 'n' }],
      ['PUT', '/api/thing/abc', '/api/things/abc', { name: 5 }],
      ['DELETE', '/api/thing/abc', '/api/things/abc'],
    ];
    for (const [method, original, target, body] of pairs) {
      const [a, b] = [await s.request(method, original, { body }), await s.request(method, target, { body })];
      expect(a.status, `${method} ${original}`).to.equal(b.status);
      expect(strip(a.body), `${method} ${original}`).to.deep.equal(strip(b.body));
    }
    expect((await s.request('PUT', '/api/thing/abc', { body: { name: 5 } })).status).to.equal(400);
    // Only the method given: POST on the list original is no route (405, the path exists for GET).
    expect((await s.request('POST', '/api/thing/list', { body: {} })).status).to.equal(405);
  });

  it('takes the route\'s access: a token needed unless the route is public, and no case or slash variants', async () => {
    expect((await s.request('GET', '/api/thing/list', { token: null })).status).to.equal(401);
    expect((await s.request('GET', '/api/thing/abc', { token: null })).status).to.equal(401);
    expect((await s.request('GET', '/api/Thing/list', { token: null })).status).to.equal(401);
    expect((await s.request('GET', '/api/Thing/list')).status).to.equal(404);
    expect((await s.request('GET', '/api/thing/list/')).status).to.equal(404);
    const ping = await s.request('GET', '/api/thing-ping', { token: null });
    expect(ping.status).to.equal(200);
    expect(ping.body.data).to.deep.equal({ pong: true });
  });

  it('lists each original in the OpenAPI document, deprecated, and leaves the routes themselves as they were', async () => {
    const doc = (await s.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { deprecated?: boolean; security?: unknown[] }>> };
    const ops = (p: string) => Object.fromEntries(Object.entries(doc.paths[p] ?? {}).map(([m, op]) => [m, !!op.deprecated]));
    expect(ops('/api/thing/list')).to.deep.equal({ get: true });
    expect(ops('/api/thing/{id}')).to.deep.equal({ get: true, put: true, delete: true });
    expect(ops('/api/things/{id}')).to.deep.equal({ get: false, put: false, delete: false });
    expect(doc.paths['/api/thing-ping'].get.security).to.deep.equal([]);
  });

  it('refuses to load a module whose original names no route, or other parameters, naming the key; the last good version keeps serving', async () => {
    for (const [originals, message] of [
      [`{ 'GET /api/thing/x': '/nothing' }`, /originals: "GET \/api\/thing\/x": this module has no route GET \/nothing/],
      [`{ '/api/thing/:name': '/:id' }`, /originals: "\/api\/thing\/:name" and its route \/:id must have the same parameters/],
      [`{ 'FETCH /api/thing': '/' }`, /originals: "FETCH \/api\/thing" must be an absolute path/],
      [`{ 'GET /api/thing/': '/' }`, /must be an absolute path/],
      [`{ '/legacy/thing/:id': '/:id' }`, /originals: "\/legacy\/thing\/:id" must lie under \/api exactly when its route \/api\/things\/:id does/],
      [`{ 'GET /:id': '/:id' }`, /originals: "GET \/:id" starts with a parameter/],
      [`['/api/thing']`, /field "originals" must be an object/],
    ] as const) {
      await s.modules!.write('things/index.js', MODULE(originals));
      const failed = await eventually(async () => {
        const m = ((await s.request('GET', '/api/system/modules')).body.data as Array<{ name: string; status: string; error?: string }>).find((x) => x.name === 'things');
        return m?.error && message.test(m.error) ? m : undefined;
      }, 10_000, `the load fails with ${message}`);
      expect(failed.error).to.match(/module "things"/);
      expect((await s.request('GET', '/api/thing/list')).status, originals).to.equal(200);
    }
  });
});
