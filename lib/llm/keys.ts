/**
 * Which API key of a channel to use next (docs/api.md#channels). Stateless: round-robin and least-used are
 * derived from the persisted `usageCount`s, so the rotation survives reloads and restarts.
 */
import type { ApiKeyEntry, Channel } from './channel.ts';

/** A key with this many errors is skipped until someone resets it. */
const MAX_KEY_ERRORS = 10;
/** The failover strategy leaves a key alone for this long after it failed. */
const FAILOVER_COOLDOWN_MS = 5 * 60_000;

export interface SelectedKey {
  key: string;
  /** Index in `apiKeys`, or -1 for the channel's single `apiKey`. */
  index: number;
  name: string;
  strategy: Channel['strategy'];
}

const isEnabled = (entry: ApiKeyEntry) => !!entry.key && entry.enabled !== false;

/** The entries of `apiKeys` a call may use: set and not disabled. */
export function enabledKeys(channel: Pick<Channel, 'apiKeys'>): ApiKeyEntry[] {
  return (channel.apiKeys ?? []).filter(isEnabled);
}

export function selectKey(channel: Pick<Channel, 'apiKey' | 'apiKeys' | 'strategy'>, now = Date.now(), random = Math.random): SelectedKey {
  const strategy = channel.strategy ?? 'round-robin';
  const usable = (channel.apiKeys ?? [])
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => isEnabled(entry) && (entry.errorCount ?? 0) < MAX_KEY_ERRORS);
  if (!usable.length) return { key: channel.apiKey ?? '', index: -1, name: 'apiKey', strategy };

  const pick = (() => {
    switch (strategy) {
      case 'random':
        return usable[Math.floor(random() * usable.length)];
      case 'weighted': {
        const total = usable.reduce((sum, u) => sum + Math.max(0, u.entry.weight ?? 100), 0);
        if (total <= 0) return usable[0];
        let roll = random() * total;
        for (const u of usable) {
          roll -= Math.max(0, u.entry.weight ?? 100);
          if (roll < 0) return u;
        }
        return usable[usable.length - 1];
      }
      case 'least-used':
        return usable.reduce((best, u) => ((u.entry.usageCount ?? 0) < (best.entry.usageCount ?? 0) ? u : best));
      case 'failover': {
        const healthy = usable.find(({ entry }) => !entry.lastErrorAt || now - entry.lastErrorAt >= FAILOVER_COOLDOWN_MS);
        // All failed recently: the one that failed longest ago is the best bet.
        return healthy ?? usable.reduce((best, u) => ((u.entry.lastErrorAt ?? 0) < (best.entry.lastErrorAt ?? 0) ? u : best));
      }
      default: {
        const calls = usable.reduce((sum, u) => sum + (u.entry.usageCount ?? 0), 0);
        return usable[calls % usable.length];
      }
    }
  })();
  return { key: pick.entry.key, index: pick.index, name: pick.entry.name || `Key ${pick.index + 1}`, strategy };
}
