/** The answer of every configuration write: the dotted paths it changed and the version now in force. */
import type { ConfigAdmin } from '../../kernel/index.ts';

export const changed = (config: Pick<ConfigAdmin, 'version'>, updated: string[]) => ({ updated, version: config.version() });
