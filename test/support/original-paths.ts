/** Checks shared by the tests of the original plugin's paths (docs/statistics.md#original-paths). */
import { expect } from 'chai';
import type { TestServer } from './server.ts';

/** `METHOD /path/:param` of every operation under `prefix` that the OpenAPI document marks deprecated. */
export async function deprecatedOperations(s: TestServer, prefix: string): Promise<string[]> {
  const doc = (await s.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { deprecated?: boolean }>> };
  return Object.entries(doc.paths)
    .filter(([p]) => p.startsWith(prefix))
    .flatMap(([p, ops]) => Object.entries(ops).filter(([, op]) => op.deprecated).map(([m]) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`))
    .sort();
}

/** Each `[method, path, body?]` answers 401 without a token and 403 to a group admin (master-only routes). */
export async function expectMasterOnly(s: TestServer, groupToken: string, routes: ReadonlyArray<readonly [string, string, unknown?]>): Promise<void> {
  for (const [method, p, body] of routes) {
    expect((await s.request(method, p, { body, token: null })).status, `${method} ${p}`).to.equal(401);
    expect((await s.request(method, p, { body, token: groupToken })).status, `${method} ${p}`).to.equal(403);
  }
}
