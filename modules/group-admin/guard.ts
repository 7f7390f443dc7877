/**
 * Every per-group route goes through `groupRoute`: its schemas (the group id checked first), then
 * `ownGroup`. The kernel's auth layer already keeps a group admin inside `/api/group-admin/<its group>/`;
 * checking again here keeps this module safe on its own.
 */
import { HttpError, type ModuleContext, type RequestContext, type RouteSpec } from '../../kernel/index.ts';
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

/** The middleware a route on `/:groupId/...` starts with. */
export function groupRoute(ctx: ModuleContext) {
  return (summary: string, spec: Pick<RouteSpec, 'body' | 'query'> = {}) => [ctx.validate({ summary, params: groupParams, groupAdmin: true, ...spec }), ownGroup];
}
