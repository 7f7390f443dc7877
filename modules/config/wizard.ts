/**
 * The original panel's first-run wizard and UI tours (docs/api.md#config), served only for its clients
 * and so marked deprecated. Their state lives where the original kept it, in the `system` section of
 * the configuration (`initCompleted`, `initCompletedAt`, `tours.<tourId>`), so it survives restarts and
 * shows in the history like any other setting.
 */
import type { ConfigAdmin, ModuleContext, ModuleRouter } from '../../kernel/index.ts';
import { channelsCollection } from '../../lib/llm/index.ts';
import { presetsCollection } from '../../lib/presets/index.ts';
import { tourParams } from './original-schemas.ts';

const deprecated = true;

interface TourState {
  completed?: boolean;
  skipped?: boolean;
  completedAt?: string | null;
  skippedAt?: string | null;
}

export function wizardRoutes(router: ModuleRouter, ctx: ModuleContext, config: ConfigAdmin): void {
  const initState = () => ({ initCompleted: config.get('system.initCompleted') === true, initCompletedAt: config.get<string | null>('system.initCompletedAt') ?? null });

  router.get('/init-status', ctx.validate({ summary: 'The first-run wizard: done or not, and which of its steps are already set up', deprecated }), async (c) => {
    const channelsCount = (await channelsCollection(ctx.store).read()).channels.length;
    const defaultModel = config.get<string>('llm.defaultModel') ?? '';
    // Built-in presets count: the original meant "a preset to chat with exists" (its test never passed).
    const hasPresets = ((await presetsCollection(ctx.store).read()).presets ?? []).length > 0;
    const prefixes = config.get<string[]>('trigger.prefixes') ?? [];
    c.body = {
      ...initState(),
      hasChannels: channelsCount > 0,
      hasDefaultModel: defaultModel !== '',
      hasPresets,
      channelsCount,
      defaultModel,
      steps: { channel: channelsCount > 0, model: defaultModel !== '', preset: hasPresets, trigger: prefixes.length > 0 },
    };
  });

  router.post('/init-complete', ctx.validate({ summary: 'Mark the first-run wizard done (records when)', noBody: true, deprecated }), async (c) => {
    await config.update({ system: { initCompleted: true, initCompletedAt: new Date().toISOString() } });
    c.body = initState();
  });

  router.post('/init-reset', ctx.validate({ summary: 'Show the first-run wizard again', noBody: true, deprecated }), async (c) => {
    await config.update({ system: { initCompleted: false, initCompletedAt: null } });
    c.body = initState();
  });

  const tourStatus = (tourId: string) => {
    const tour = config.get<TourState | undefined>(`system.tours.${tourId}`) ?? {};
    return { tourId, completed: tour.completed === true, skipped: tour.skipped === true, completedAt: tour.completedAt ?? null, skippedAt: tour.skippedAt ?? null };
  };
  /** Stores the tour's whole state (both times, so that a skip after a completion leaves no stale one) and answers it. */
  const markTour = async (tourId: string, done: 'completed' | 'skipped') => {
    const now = new Date().toISOString();
    const state = { completed: done === 'completed', skipped: done === 'skipped', completedAt: done === 'completed' ? now : null, skippedAt: done === 'skipped' ? now : null };
    await config.update({ system: { tours: { [tourId]: state } } });
    return tourStatus(tourId);
  };
  const params = tourParams;

  router.get('/tour-status/:tourId', ctx.validate({ summary: 'Whether a UI tour was completed or skipped', params, deprecated }), (c) => {
    c.body = tourStatus(c.params.tourId);
  });

  router.post('/tour-complete/:tourId', ctx.validate({ summary: 'Mark a UI tour completed', params, noBody: true, deprecated }), async (c) => {
    c.body = await markTour(c.params.tourId, 'completed');
  });

  router.post('/tour-skip/:tourId', ctx.validate({ summary: 'Mark a UI tour skipped (a client shows neither a completed nor a skipped tour again)', params, noBody: true, deprecated }), async (c) => {
    c.body = await markTour(c.params.tourId, 'skipped');
  });

  router.post('/tour-reset/:tourId', ctx.validate({ summary: 'Forget a UI tour, so that it shows again', params, noBody: true, deprecated }), async (c) => {
    const { tourId } = c.params;
    await config.unset([`system.tours.${tourId}`]);
    c.body = tourStatus(tourId);
  });
}
