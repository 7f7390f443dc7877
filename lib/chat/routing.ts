/**
 * Which channels a chat may use, in order: enabled channels with a key that serve the model, lowest
 * `priority` number first; then the same for each configured fallback model (`llm.fallback`).
 */
import { HttpError, type ConfigService, type Store } from '../../kernel/index.ts';
import { servesModel, usableChannels, type Channel } from '../llm/index.ts';

export interface Route {
  channel: Channel;
  /** The model asked for (before the channel's mapping). */
  model: string;
}

/** `requested`: the model a request, group or preset named; `configured`: the global one (effective `models.chat`). */
export async function routesFor(store: Store, config: ConfigService, requested: string | undefined, configured: string | undefined): Promise<Route[]> {
  const usable = await usableChannels(store);
  if (!usable.length) throw new HttpError(503, 'CHANNEL_UNAVAILABLE', 'No available channel: add and enable a channel with an API key');

  // No model asked for: the configured one when some channel serves it, else the first channel's first model.
  const model = requested ?? (configured && usable.some((c) => servesModel(c, configured)) ? configured : (usable.find((c) => c.models.length)?.models[0] ?? configured));
  if (!model) throw new HttpError(503, 'CHANNEL_UNAVAILABLE', 'No model configured and no channel lists one');

  const fallback = config.get<{ enabled?: boolean; models?: string[] } | undefined>('llm.fallback');
  const models = [model, ...(fallback?.enabled ? (fallback.models ?? []) : [])];
  const routes: Route[] = [];
  for (const m of [...new Set(models)]) for (const channel of usable) if (servesModel(channel, m)) routes.push({ channel, model: m });
  // A channel that lists no models at all takes any model (a generic proxy).
  if (!routes.length) for (const channel of usable) if (!channel.models.length) routes.push({ channel, model });
  if (!routes.length) throw new HttpError(503, 'CHANNEL_UNAVAILABLE', `No available channel serves model "${model}"`);
  return routes;
}
