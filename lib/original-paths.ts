/**
 * The original plugin's paths (docs/statistics.md#original-paths). An alias is registered in the module that
 * owns its target with the same route spec and middleware list, so that access (token, roles, rate
 * limit), validation and body types — all decided on the route that answers — are the target's;
 * only `deprecated: true` is added, for the OpenAPI document.
 */
import type { Middleware } from 'koa';
import type { ModuleContext, ModuleRouter, RouteSpec } from '../kernel/index.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Serves `handlers` at `path` and, marked deprecated, at each of `originals` (paths of the same router). */
export function serveWithOriginals(
  router: ModuleRouter,
  ctx: Pick<ModuleContext, 'validate'>,
  method: Method,
  path: string,
  originals: readonly string[],
  spec: RouteSpec,
  ...handlers: Middleware[]
): void {
  router[method](path, ctx.validate(spec), ...handlers);
  for (const original of originals) router[method](original, ctx.validate({ ...spec, deprecated: true }), ...handlers);
}
