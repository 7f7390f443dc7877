/**
 * `npm run config -- <verb> [args] [--json]`: scripted configuration edits. Talks to the running
 * server when there is one, else edits the files under DATA_DIR through the same config service.
 * Exit codes: 0 done, 1 refused or failed (one line on stderr), 2 bad usage.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { getAt, pathProblem } from '../kernel/config/paths.ts';
import { CliError, type Change, type ConfigBackend } from './config/backend.ts';
import { connectToServer } from './config/remote.ts';

const USAGE = `usage: npm run config -- <verb> [--json]
  get [path]             print the configuration or the value at a dotted path
  set <path> <value>     set a value (parsed as JSON, else taken as a string)
  unset <path>           remove a key (a key with a default takes it again)
  export                 print the configuration as YAML
  import <file>          replace the configuration with a YAML or JSON file
  validate <file>        check a YAML or JSON file without applying it
  history                list the kept versions
  rollback <version>     make a kept version current again`;

/** The verbs and how many arguments each takes: [least, most]. */
const VERBS: Record<string, [number, number]> = {
  get: [0, 1],
  set: [2, 2],
  unset: [1, 1],
  export: [0, 0],
  import: [1, 1],
  validate: [1, 1],
  history: [0, 0],
  rollback: [1, 1],
};

class UsageError extends Error {}

/** `set` values: JSON when they parse as JSON (`true`, `30`, `["#ai"]`), else the plain string. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function checkedPath(dotted: string): string {
  const problem = pathProblem(dotted);
  if (problem) throw new UsageError(`"${dotted}" ${problem}`);
  return dotted;
}

async function readDocument(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

const describeChange = ({ updated, version }: Change) =>
  updated.length ? `updated ${updated.join(', ')} (version ${version})` : `no change (version ${version})`;

const human = (value: unknown) => (value !== null && typeof value === 'object' ? YAML.stringify(value, { lineWidth: 0 }).trimEnd() : String(value));

/** Runs one verb and returns what to print on stdout. */
async function run(backend: ConfigBackend, verb: string, args: string[], json: boolean): Promise<string> {
  const change = (c: Change) => (json ? JSON.stringify(c) : describeChange(c));
  switch (verb) {
    case 'get': {
      const config = await backend.get();
      const value = args[0] === undefined ? config : getAt(config, checkedPath(args[0]));
      if (value === undefined) throw new CliError(`no value at "${args[0]}"`);
      return json ? JSON.stringify(value, null, 2) : human(value);
    }
    case 'set':
      return change(await backend.set(checkedPath(args[0]), parseValue(args[1])));
    case 'unset':
      return change(await backend.unset(checkedPath(args[0])));
    case 'export':
      return json ? JSON.stringify(await backend.get(), null, 2) : (await backend.exportYaml()).trimEnd();
    case 'import':
      return change(await backend.importText(await readDocument(args[0])));
    case 'validate': {
      const errors = await backend.validateText(await readDocument(args[0]));
      if (errors.length) throw new CliError(`${args[0]} is not a valid configuration`, errors);
      return json ? JSON.stringify({ valid: true }) : `${args[0]} is valid`;
    }
    case 'history': {
      const { current, versions } = await backend.history();
      if (json) return JSON.stringify({ current, versions }, null, 2);
      return versions
        .map((v) => `${v.version === current ? '*' : ' '} ${String(v.version).padStart(4)}  ${v.savedAt}  ${v.source.padEnd(8)}  ${v.paths.join(', ') || '-'}`)
        .join('\n');
    }
    case 'rollback': {
      const version = Number(args[0]);
      if (!Number.isInteger(version) || version < 1) throw new UsageError(`"${args[0]}" is not a version number`);
      return change(await backend.rollback(version));
    }
    default:
      throw new UsageError(`unknown verb "${verb}"`);
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    console.error(`config: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [verb, ...args] = positionals;
  if (values.help || !verb) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  const arity = VERBS[verb];
  if (!arity || args.length < arity[0] || args.length > arity[1]) {
    console.error(`config: ${arity ? `wrong number of arguments for "${verb}"` : `unknown verb "${verb}"`}\n${USAGE}`);
    return 2;
  }

  const json = values.json === true;
  const dataDir = path.resolve(process.env.DATA_DIR || 'data');
  let backend: ConfigBackend | undefined;
  try {
    // The file backend (store, schema compiler) is loaded only when there is no server to ask.
    backend = (await connectToServer(dataDir)) ?? (await import('./config/local.ts')).openFiles(dataDir);
    console.log(await run(backend, verb, args, json));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`config: ${err.message}`);
      return 2;
    }
    if (!(err instanceof CliError)) {
      console.error(`config: ${(err as Error)?.message ?? err}`);
      return 1;
    }
    const details = err.details.map((d) => `${d.path || '(root)'} ${d.message}`);
    console.error(`config: ${err.message}${details.length ? `: ${details.join('; ')}` : ''}`);
    if (json) console.log(JSON.stringify({ error: err.message, details: err.details }));
    return 1;
  } finally {
    await backend?.close();
  }
}

process.exitCode = await main();
