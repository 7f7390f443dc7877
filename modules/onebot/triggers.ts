/**
 * Who is answered, and what triggers an answer (docs/bot.md#message-pipeline, docs/bot.md#triggers). The lists come first:
 * `trigger.blacklist*` and non-empty `trigger.whitelist*`, then the group's own `listMode`. A group
 * message triggers with the group's effective settings: the group enabled, then an `at` of the bot
 * (or a reply to one of its messages), a prefix (removed before the model sees the text), a
 * keyword, or chance. A private message follows `trigger.private.mode`. The text for the model
 * comes back, or undefined when nothing triggers.
 */
import { getPath, type Settings } from '../../lib/group-settings/index.ts';
import type { TriggerConfig } from './snapshot.ts';

const ids = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : []);

/** Whether the global lists let this sender (in this group) be answered at all. */
export function listsAllow(t: TriggerConfig, userId: string, groupId: string | undefined): boolean {
  if (t.blacklistUsers.has(userId)) return false;
  if (groupId !== undefined && t.blacklistGroups.has(groupId)) return false;
  if (t.whitelistUsers.size && !t.whitelistUsers.has(userId)) return false;
  return !(groupId !== undefined && t.whitelistGroups.size && !t.whitelistGroups.has(groupId));
}

/** Whether the group's own user list (`listMode`, `blacklist`, `whitelist`) lets this sender be answered. */
export function groupListAllows(settings: Settings, userId: string): boolean {
  const mode = getPath(settings, 'listMode');
  if (mode === 'blacklist') return !ids(getPath(settings, 'blacklist')).includes(userId);
  if (mode === 'whitelist') {
    const list = ids(getPath(settings, 'whitelist'));
    return !list.length || list.includes(userId);
  }
  return true;
}

/** The text after the first prefix it starts with, trimmed; undefined when it starts with none. */
function afterPrefix(text: string, prefixes: string[]): string | undefined {
  const prefix = prefixes.find((p) => text.startsWith(p));
  return prefix === undefined ? undefined : text.slice(prefix.length).trim();
}

export interface GroupMessage {
  text: string;
  /** An `at` of the bot, or a reply to one of its messages. */
  addressed: boolean;
}

/** The text for the model when a group message triggers, else undefined. */
export function groupTrigger(t: TriggerConfig, settings: Settings, message: GroupMessage, random: () => number = Math.random): string | undefined {
  if (settings.enabled === false || getPath(settings, 'chat.enabled') === false || !t.group.enabled) return undefined;
  const prefixes = [...strings(getPath(settings, 'triggers.prefix')), ...strings([getPath(settings, 'customPrefix')])];
  const stripped = t.group.prefix ? afterPrefix(message.text, prefixes) : undefined;
  const text = stripped ?? message.text;
  if (!text) return undefined;
  if (message.addressed && getPath(settings, 'triggers.at') !== false) return text;
  if (stripped !== undefined) return text;
  if (t.group.keyword && strings(getPath(settings, 'triggers.keywords')).some((k) => text.includes(k))) return text;
  if (getPath(settings, 'triggers.random') === true && random() < t.group.randomRate) return text;
  return undefined;
}

/** The text for the model when a private message triggers (`trigger.private`), else undefined. */
export function privateTrigger(t: TriggerConfig, text: string): string | undefined {
  if (!t.private.enabled) return undefined;
  if (t.private.mode === 'always') return text || undefined;
  if (t.private.mode !== 'prefix') return undefined;
  return afterPrefix(text, t.private.prefixes) || undefined;
}
