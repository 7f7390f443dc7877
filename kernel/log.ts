/** A line-per-entry logger: `time level [scope] message {extra}` on stderr. */
import type { Logger } from './types.ts';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

export function createLogger(scope: string, level: LogLevel): Logger {
  const min = LEVELS[level];
  const write = (lvl: LogLevel, msg: string, extra?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return;
    const tail = extra && Object.keys(extra).length ? ' ' + JSON.stringify(extra) : '';
    process.stderr.write(`${new Date().toISOString()} ${lvl.padEnd(5)} [${scope}] ${msg}${tail}\n`);
  };
  return {
    debug: (m, e) => write('debug', m, e),
    info: (m, e) => write('info', m, e),
    warn: (m, e) => write('warn', m, e),
    error: (m, e) => write('error', m, e),
  };
}
