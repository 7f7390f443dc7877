/**
 * `POST /api/config/quick-setup`, the original panel's one-shot wizard (docs/api.md#config), served only
 * for its clients and so marked deprecated: a channel, the default model and the trigger prefixes in
 * one request. The channel is built by the same code as `POST /api/channels` (lib/llm/channel-input.ts)
 * and stored in the same collection, so chat sees it at once (the original wrote it into the config
 * file, seen only after a restart) and its key is stored 0600 and shown masked.
 */
import { badRequest, isMasked, type ConfigAdmin, type ModuleContext, type ModuleRouter } from '../../kernel/index.ts';
import { applyInput, publicView, type ChannelInput } from '../../lib/llm/channel-input.ts';
import { channelsCollection, type Channel } from '../../lib/llm/index.ts';
import { changed } from './changed.ts';
import { quickSetupBody } from './original-schemas.ts';

interface QuickSetup {
  channel?: ChannelInput;
  model?: string;
  triggerPrefixes?: string[];
}

/** The original's id (`quick-setup-<ms>`), one millisecond on while it is taken. */
function freeId(channels: Channel[], now: number): string {
  const taken = new Set(channels.map((c) => c.id));
  let ms = now;
  while (taken.has(`quick-setup-${ms}`)) ms++;
  return `quick-setup-${ms}`;
}

export function quickSetupRoutes(router: ModuleRouter, ctx: ModuleContext, config: ConfigAdmin): void {
  const channels = channelsCollection(ctx.store);

  router.post('/quick-setup', ctx.validate({ summary: 'First-run wizard in one step: add a channel, set the default model and the trigger prefixes', body: quickSetupBody, deprecated: true }), async (c) => {
    const { channel: input, model, triggerPrefixes } = (c.request as { body: QuickSetup }).body;
    if (!input && model === undefined && !triggerPrefixes) throw badRequest('give at least one of channel, model and triggerPrefixes', 'body');
    // A new channel has no stored key for a masked one to stand for.
    if (input?.apiKey && isMasked(input.apiKey)) throw badRequest('a new channel needs its key in full, not masked', 'body.channel.apiKey');
    const now = Date.now();
    // Built first, so that a bad channel changes nothing; stored last, once the settings are accepted.
    const built = input && applyInput({ ...input, priority: 0, enabled: true }, undefined, now);
    const updated = await config.update({ ...(model !== undefined && { 'llm.defaultModel': model }), ...(triggerPrefixes && { 'trigger.prefixes': triggerPrefixes }) });
    const stored =
      built &&
      (await channels.update((data) => {
        const channel = { ...built, id: freeId(data.channels, now) };
        data.channels.push(channel);
        return channel;
      }));
    c.body = { channel: stored ? publicView(stored) : null, ...changed(config, updated) };
  });
}
