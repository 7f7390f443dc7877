/**
 * The configuration and group settings a message event reads, resolved once and kept until they
 * change: at thousands of messages a second, resolving a group's effective settings (group →
 * global → default) for each message cost more than everything else the bridge does with it.
 * A configuration change drops everything; a group's settings are kept per stored record, which a
 * write of that group replaces.
 */
import type { ModuleContext } from '../../kernel/index.ts';
import { GROUP_ID_PATTERN, groupCollection, resolveSettings, type Settings } from '../../lib/group-settings/index.ts';

const GROUP_ID = new RegExp(GROUP_ID_PATTERN);

/** The global `trigger.*` and `basic.commandPrefix`, as the pipeline uses them. */
export interface TriggerConfig {
  blacklistUsers: Set<string>;
  blacklistGroups: Set<string>;
  whitelistUsers: Set<string>;
  whitelistGroups: Set<string>;
  group: { enabled: boolean; prefix: boolean; keyword: boolean; randomRate: number };
  private: { enabled: boolean; mode: string; prefixes: string[] };
  commandPrefix: string;
}

const ids = (value: unknown) => new Set(Array.isArray(value) ? value.map(String) : []);
const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : []);

function readTriggerConfig(ctx: ModuleContext): TriggerConfig {
  const get = (path: string) => ctx.config.get(path);
  return {
    blacklistUsers: ids(get('trigger.blacklistUsers')),
    blacklistGroups: ids(get('trigger.blacklistGroups')),
    whitelistUsers: ids(get('trigger.whitelistUsers')),
    whitelistGroups: ids(get('trigger.whitelistGroups')),
    group: {
      enabled: get('trigger.group.enabled') !== false,
      prefix: get('trigger.group.prefix') !== false,
      keyword: get('trigger.group.keyword') === true,
      randomRate: Number(get('trigger.group.randomRate') ?? 0.05),
    },
    private: {
      enabled: get('trigger.private.enabled') !== false,
      mode: String(get('trigger.private.mode') ?? 'prefix'),
      prefixes: strings(get('trigger.prefixes')),
    },
    commandPrefix: String(get('basic.commandPrefix') ?? '#ai'),
  };
}

export class Snapshot {
  private trigger?: TriggerConfig;
  private global?: Settings;
  private groups = new WeakMap<object, Settings>();

  constructor(private readonly ctx: ModuleContext) {
    ctx.config.onChange(() => {
      this.trigger = undefined;
      this.global = undefined;
      this.groups = new WeakMap();
    });
  }

  triggers(): TriggerConfig {
    return (this.trigger ??= readTriggerConfig(this.ctx));
  }

  /** A chat's effective settings (the global ones without a group); treat as read-only. */
  async settings(groupId: string | undefined): Promise<Settings> {
    if (!groupId || !GROUP_ID.test(groupId)) return (this.global ??= resolveSettings({}, this.ctx.config).settings);
    const record = await groupCollection(this.ctx.store, groupId).read();
    let settings = this.groups.get(record);
    if (!settings) this.groups.set(record, (settings = resolveSettings(record.settings, this.ctx.config).settings));
    return settings;
  }
}
