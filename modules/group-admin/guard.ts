/**
 * Every per-group route goes through `groupRoute`: its schemas (the group id checked first), then
 * `ownGroup`. The kernel's auth layer already keeps a group admin inside `/api/group-admin/<its group>/`;
 * checking again here keeps this module safe on its own.
 */
import type { Middleware } from 'koa';
import { HttpError, type ModuleContext, type ModuleRouter, type RequestContext, type RouteSpec } from '../../kernel/index.ts';
import { GROUP_ID_PATTERN } from '../../lib/group-settings/index.ts';
import { groupParams } from './schemas.ts';
import { isMaster } from './service.ts';

/** A group admin may act on its own group only. */
async function ownGroup(c: RequestContext, next: () => Promise<unknown>) {
  const user = c.state.user;
  if (!isMaster(user) && user?.groupId !== c.params.groupId) {
    throw new HttpError(403, 'FORBIDDEN', `A group admin of group "${user?.groupId}" may not manage group "${c.params.groupId}"`);
  }
  await next();
}

/** The spec of each per-group route, by its validation middleware: what its group-less form is served with. */
const specs = new WeakMap<Middleware, RouteSpec>();

/** The middleware a route on `/:groupId/...` starts with. */
export function groupRoute(ctx: ModuleContext) {
  return (summary: string, spec: Pick<RouteSpec, 'body' | 'query' | 'noBody' | 'deprecated'> = {}) => {
    const full: RouteSpec = { summary, params: groupParams, groupAdmin: true, ...spec };
    const validate = ctx.validate(full);
    specs.set(validate, full);
    return [validate, ownGroup];
  };
}

/** The original's group-less paths (docs/api.md#group-admin), now under `/:groupId` (docs/http.md#roles). */
const ORIGINAL_GROUPLESS = new Set([
  'GET /config', 'PUT /config',
  'GET /blacklist', 'PUT /blacklist', 'POST /blacklist/add', 'POST /blacklist/remove',
  'GET /whitelist', 'PUT /whitelist', 'POST /whitelist/add', 'POST /whitelist/remove',
  'GET /channel', 'PUT /channel', 'DELETE /channel',
  'GET /usage-limit', 'PUT /usage-limit',
  'POST /models/fetch',
  'GET /scheduler/status', 'POST /scheduler/trigger',
  'GET /usage-stats', 'POST /usage-stats/reset',
  'DELETE /emoji/clear', 'DELETE /emoji/delete', 'GET /emoji/view',
]);

const OWN_GROUP_ID = new RegExp(GROUP_ID_PATTERN);

/** A group-less form acts on the caller's own group; the master has none (docs/statistics.md#original-paths). */
async function callersGroup(c: RequestContext, next: () => Promise<unknown>) {
  const user = c.state.user;
  if (isMaster(user)) throw new HttpError(400, 'GROUP_REQUIRED', `The master has no group of its own: give one, as ${c.path.replace(/^\/api\/group-admin/, '/api/group-admin/<groupId>')}`);
  if (!user?.groupId || !OWN_GROUP_ID.test(user.groupId)) throw new HttpError(403, 'FORBIDDEN', 'This token is bound to no valid group');
  c.params.groupId = user.groupId;
  await next();
}

/**
 * Serves the original's group-less form of each per-group route registered so far (call it last): the
 * same middleware list behind `callersGroup`, the same spec without the path's group, deprecated.
 */
export function registerGroupless(router: ModuleRouter, ctx: ModuleContext): void {
  for (const layer of [...router.stack]) {
    const [first, ...rest] = layer.stack as Middleware[];
    const spec = first && specs.get(first);
    const path = String(layer.path).slice(ctx.prefix.length).replace('/:groupId', '');
    if (!spec) continue;
    const { params: _inPath, ...groupless } = spec;
    for (const method of layer.methods.filter((m) => ORIGINAL_GROUPLESS.has(`${m} ${path}`))) {
      // The group first: the master learns it must give one before anything about its body.
      router.register(path, [method], [callersGroup, ctx.validate({ ...groupless, deprecated: true }), ...rest]);
    }
  }
}
