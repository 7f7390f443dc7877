/**
 * The original's scheduler paths (docs/api.md#group-admin). The original answered them with stubs, and
 * this server has no scheduler either: they say so instead of pretending to run anything.
 */
import type { ModuleContext, ModuleRouter } from '../../kernel/index.ts';
import { groupRoute } from './guard.ts';

const NO_SCHEDULER = 'This server has no scheduler: nothing runs on a timetable for a group.';

export function registerSchedulerRoutes(router: ModuleRouter, ctx: ModuleContext): void {
  const group = groupRoute(ctx);

  router.get('/:groupId/scheduler/status', ...group("The group's scheduler: there is none (the original's stub)", { deprecated: true }), async (c) => {
    c.body = { enabled: false, message: NO_SCHEDULER };
  });

  router.post('/:groupId/scheduler/trigger', ...group('Run the scheduler now: refused, there is none (the original\'s stub)', { noBody: true, deprecated: true }), async (c) => {
    c.body = { success: false, message: NO_SCHEDULER };
  });
}
