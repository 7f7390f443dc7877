/**
 * A group's upstream key goes only to the base URL it was stored with (docs/http.md#secrets). Without this
 * rule a group admin could point the key the master set for the group at a server of their own, and
 * `models/fetch` would send it there.
 */
import { HttpError } from '../../kernel/index.ts';
import type { Settings } from '../../lib/group-settings/index.ts';

type StoredChannel = { id?: string; baseUrl?: string; apiKey?: string };

const sameUrl = (a: string | undefined, b: string | undefined) => (a ?? '').trim().replace(/\/+$/, '') === (b ?? '').trim().replace(/\/+$/, '');

/**
 * Refuses (400) a change of `independentChannel` that moves a base URL while keeping the stored key
 * rather than receiving it again: `before` and `after` are the stored and the resulting channel,
 * `body` is what the client sent for it (the main channel and `channels[]` alike).
 */
export function requireKeysForNewUrl(before: Settings | undefined, after: Settings | undefined, body: Settings | undefined, where: string): void {
  const check = (old: StoredChannel | undefined, next: StoredChannel, sent: unknown, path: string) => {
    if (!old?.apiKey || next.apiKey !== old.apiKey || sent === next.apiKey || sameUrl(next.baseUrl, old.baseUrl)) return;
    throw new HttpError(400, 'VALIDATION_ERROR', 'A new base URL needs the API key again in full: a stored key is only sent to the base URL it was stored for', {
      details: [{ path, message: 'must be sent in full with a new baseUrl' }],
    });
  };
  if (!after) return;
  check(before as StoredChannel | undefined, after as StoredChannel, body?.apiKey, `${where}.apiKey`);
  const oldChannels = (before?.channels as StoredChannel[] | undefined) ?? [];
  const sentChannels = (body?.channels as StoredChannel[] | undefined) ?? [];
  ((after.channels as StoredChannel[] | undefined) ?? []).forEach((c, i) => {
    check(oldChannels.find((o) => o.id === c.id), c, sentChannels[i]?.apiKey, `${where}.channels.${i}.apiKey`);
  });
}
