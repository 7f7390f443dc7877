/** Which stored channels a call may use: enabled, holding a key, lowest `priority` number first. */
import type { Channel } from './channel.ts';
import { enabledKeys } from './keys.ts';
import { channelsCollection, type StoreLike } from './usage.ts';

/** Whether the channel has a key to call with: its own `apiKey` or an enabled entry of `apiKeys`. */
const hasKey = (c: Pick<Channel, 'apiKey' | 'apiKeys'>): boolean => !!c.apiKey || enabledKeys(c).length > 0;

export async function usableChannels(store: StoreLike): Promise<Channel[]> {
  const { channels } = await channelsCollection(store).read();
  return channels.filter((c) => c.enabled && hasKey(c)).sort((a, b) => a.priority - b.priority);
}
