/** The modules the stats tests run: the stats module and those whose calls it records (chat, memory summaries, tools). */
export const STATS_MODULES = ['auth', 'system', 'config', 'channels', 'chat', 'conversations', 'presets', 'memory', 'tools', 'stats'];
