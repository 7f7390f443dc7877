/**
 * `POST /api/config/quick-setup`, the original panel's one-shot wizard (docs/api.md#config), served only
 * for its clients and so marked deprecated: a channel, the default model and the trigger prefixes in
 * one request. The channel is built by the same code as `POST /api/channels` (lib/llm/channel-input.ts)
 * and stored in the same collection, so chat sees it at once (the original wrote it into the config
 * file, seen only after a restart) and its key is stored 0600 and shown masked.
 */
import { badRequest, isMasked, requestBody, type ConfigAdmin, type ModuleContext, type ModuleRouter } from '../../kernel/index.ts';
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
  /** Removes the channel this request stored; if even that fails, the log names what is left. */
  const withdraw = async (id: string) => {
    try {
      await channels.update((data) => void (data.channels = data.channels.filter((ch) => ch.id !== id)));
    } catch (err) {
      ctx.log.error(`quick-setup: the settings were not written and channel "${id}" could not be removed again`, { reason: (err as Error).message });
    }
  };

  router.post('/quick-setup', ctx.validate({ summary: 'First-run wizard in one step: add a channel, set the default model and the trigger prefixes', body: quickSetupBody, deprecated: true }), async (c) => {
    const { channel: input, model, triggerPrefixes } = requestBody<QuickSetup>(c);
    if (!input && model === undefined && !triggerPrefixes) throw badRequest('give at least one of channel, model and triggerPrefixes', 'body');
    // A new channel has no stored key for a masked one to stand for.
    if (input?.apiKey && isMasked(input.apiKey)) throw badRequest('a new channel needs its key in full, not masked', 'body.channel.apiKey');
    const now = Date.now();
    // The channel is checked before anything is written and stored first; the settings are checked as
    // they are written, so when they are refused (or the write fails) the channel goes again: the
    // request changes all or nothing.
    const built = input && applyInput({ ...input, priority: 0, enabled: true }, undefined, now);
    const stored =
      built &&
      (await channels.update((data) => {
        const channel = { ...built, id: freeId(data.channels, now) };
        data.channels.push(channel);
        return channel;
      }));
    let updated: string[];
    try {
      updated = await config.update({ ...(model !== undefined && { 'llm.defaultModel': model }), ...(triggerPrefixes && { 'trigger.prefixes': triggerPrefixes }) });
    } catch (err) {
      if (stored) await withdraw(stored.id);
      throw err;
    }
    c.body = { channel: stored ? publicView(stored) : null, ...changed(config, updated) };
  });
}
