/** What the config CLI does, whether through the running server or on the files themselves. */
import type { ConfigVersionInfo, ValidationDetail as Detail } from '../../kernel/types.ts';

/** The answer to a change: the changed dotted paths and the version now in force. */
export interface Change {
  updated: string[];
  version: number;
}

export interface ConfigBackend {
  /** `server` when talking to a running server, `files` when editing DATA_DIR directly. */
  readonly mode: 'server' | 'files';
  get(): Promise<Record<string, unknown>>;
  /** Deep-merges `{<dotted path>: value}`. */
  set(path: string, value: unknown): Promise<Change>;
  unset(path: string): Promise<Change>;
  exportYaml(): Promise<string>;
  /** Replaces the configuration with a YAML (or JSON) document. */
  importText(text: string): Promise<Change>;
  /** Checks a YAML (or JSON) document; `[]` when it is valid. */
  validateText(text: string): Promise<Detail[]>;
  history(): Promise<{ current: number; versions: ConfigVersionInfo[] }>;
  rollback(version: number): Promise<Change>;
  close(): Promise<void>;
}

/** A failure the CLI reports in one line (and, for validation failures, with the details). */
export class CliError extends Error {
  constructor(message: string, readonly details: Detail[] = []) {
    super(message);
  }
}
