/**
 * JS tool files (docs/api.md#tools): ES modules whose default export is `{name?, description, inputSchema,
 * timeoutMs?, run(args, context)}`, kept as store collections `js-tools/<name>` and registered under
 * category `js`. A file is trusted code, like a module the bot owner drops into `modules/`: it may
 * `require` what it likes. It runs in a tool worker (runner.ts), so that a loop or a leak in it stops
 * at its limits instead of stopping the server. Only the master reaches these routes, and the master
 * can already run commands.
 */
import * as esbuild from 'esbuild';
import { HttpError, badRequest, notFound, type ModuleContext, type ToolDefinition } from '../../../kernel/index.ts';
import type { ToolRunner } from './runner.ts';

export const FILE_NAME = '^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}(\\.js)?$';
const TOOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
const DIR = 'js-tools';
/** How long a file's top-level code may run when it is loaded. */
const LOAD_LIMIT_MS = 5000;
/** The longest `timeoutMs` a file may declare (ten minutes). */
const MAX_TIMEOUT_MS = 600_000;

interface StoredFile {
  source: string;
  modifiedAt: string;
}

interface Loaded {
  toolName?: string;
  description?: string;
  release?: () => void;
  error?: string;
}

const template = (name: string) => `export default {
  name: '${name}',
  description: 'Describe what ${name} does, for the model',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  async run(args, context) {
    return { echo: args.text, user: context.userId };
  },
};
`;

/** What a file's default export declares, as the worker reads it (worker.ts `describe`). */
interface Declared {
  name?: unknown;
  description?: unknown;
  inputSchema?: unknown;
  timeoutMs?: unknown;
  runs: boolean;
}

/**
 * Compiles the file and runs it once in a tool worker to read its default export; throws a 400 naming
 * what is wrong. Its calls run in a worker too, stopped at the tool's time limit.
 */
async function evaluate(runner: ToolRunner, name: string, source: string): Promise<Omit<ToolDefinition, 'category'>> {
  let code: string;
  try {
    ({ code } = await esbuild.transform(source, { format: 'cjs', loader: 'js', target: 'node20', sourcefile: `${name}.js` }));
  } catch (err) {
    throw badRequest(`source does not compile: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`, 'body.source');
  }
  let def: Declared;
  try {
    def = (await runner.run({ kind: 'describe', file: name, code }, { what: `${name}.js`, limitMs: LOAD_LIMIT_MS })) as Declared;
  } catch (err) {
    throw badRequest(`source fails when loaded: ${(err as Error).message}`, 'body.source');
  }
  const toolName = def.name ?? name;
  if (typeof toolName !== 'string' || !TOOL_NAME.test(toolName)) throw badRequest('the default export needs a name of letters, digits, "_" and "-"', 'body.source');
  if (!def.runs) throw badRequest('the default export needs a run(args, context) function', 'body.source');
  const { timeoutMs } = def;
  if (timeoutMs != null && !(Number.isInteger(timeoutMs) && (timeoutMs as number) > 0 && (timeoutMs as number) <= MAX_TIMEOUT_MS)) {
    throw badRequest(`timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`, 'body.source');
  }
  return {
    name: toolName,
    description: typeof def.description === 'string' ? def.description : '',
    inputSchema: def.inputSchema && typeof def.inputSchema === 'object' ? (def.inputSchema as Record<string, unknown>) : { type: 'object' },
    ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
    handler: (args, context) =>
      runner.run({ kind: 'module', file: name, code, args, context: { userId: context.userId, groupId: context.groupId } }, { what: `JS tool "${toolName}"`, signal: context.signal }),
  };
}

export async function openJsTools(ctx: ModuleContext, runner: ToolRunner) {
  const loaded = new Map<string, Loaded>();
  const collection = (name: string) => ctx.store.collection<StoredFile | Record<string, never>>(`${DIR}/${name}`, {});
  const stored = async (name: string): Promise<StoredFile | undefined> => {
    if (!(await ctx.store.list(DIR)).includes(name)) return undefined;
    const data = await collection(name).read();
    return typeof data.source === 'string' ? (data as StoredFile) : undefined;
  };

  /** Loads and registers a file's tool, replacing what the same file registered before. */
  const install = async (name: string, source: string) => {
    const def = await evaluate(runner, name, source);
    const previous = loaded.get(name);
    const otherFile = [...loaded].some(([file, entry]) => file !== name && entry.toolName === def.name);
    // A JS tool of this module's previous version (a hot reload) is replaced; any other tool is a conflict.
    const taken = ctx.tools.get(def.name);
    if (otherFile || (taken && !(taken.category === 'js' && taken.owner === ctx.name))) {
      throw new HttpError(409, 'TOOL_EXISTS', `A tool named "${def.name}" already exists`);
    }
    let release: () => void;
    try {
      release = ctx.tools.register({ ...def, category: 'js' });
    } catch (err) {
      throw badRequest(`inputSchema is not a usable JSON schema: ${(err as Error).message}`, 'body.source');
    }
    if (previous?.toolName !== def.name) previous?.release?.();
    loaded.set(name, { toolName: def.name, description: def.description, release });
  };

  const loadAll = async () => {
    for (const entry of loaded.values()) entry.release?.();
    loaded.clear();
    for (const name of await ctx.store.list(DIR)) {
      const file = await stored(name);
      if (!file) continue;
      try {
        await install(name, file.source);
      } catch (err) {
        loaded.set(name, { error: (err as Error).message });
        ctx.log.warn(`JS tool file ${name}.js not loaded: ${(err as Error).message}`);
      }
    }
  };
  await loadAll();

  const announce = () => ctx.events.publish('tools-reloaded', { reason: 'js' });
  const fileName = (name: string) => name.replace(/\.js$/, '');

  return {
    async list() {
      const names = (await ctx.store.list(DIR)).sort();
      const files = [];
      for (const name of names) {
        const file = await stored(name);
        if (!file) continue;
        const state = loaded.get(name) ?? {};
        files.push({
          name, filename: `${name}.js`, toolName: state.toolName ?? null, description: state.description ?? '',
          size: Buffer.byteLength(file.source), modifiedAt: file.modifiedAt, loaded: !state.error, ...(state.error ? { error: state.error } : {}),
        });
      }
      return files;
    },

    async read(param: string) {
      const name = fileName(param);
      const file = await stored(name);
      if (!file) throw notFound('TOOL_NOT_FOUND', `No tool file "${name}.js"`);
      return { name, filename: `${name}.js`, source: file.source, size: Buffer.byteLength(file.source), modifiedAt: file.modifiedAt };
    },

    async create(param: string, source?: string) {
      const name = fileName(param);
      if (await stored(name)) throw new HttpError(409, 'TOOL_EXISTS', `The tool file "${name}.js" already exists`);
      const text = source ?? template(name);
      await install(name, text);
      await collection(name).write({ source: text, modifiedAt: new Date().toISOString() });
      announce();
      return { success: true, filename: `${name}.js` };
    },

    async write(param: string, source: string) {
      const name = fileName(param);
      await install(name, source);
      await collection(name).write({ source, modifiedAt: new Date().toISOString() });
      announce();
      return { success: true, message: 'saved and reloaded' };
    },

    async remove(param: string) {
      const name = fileName(param);
      if (!(await stored(name))) throw notFound('TOOL_NOT_FOUND', `No tool file "${name}.js"`);
      await ctx.store.remove(`${DIR}/${name}`);
      loaded.get(name)?.release?.();
      loaded.delete(name);
      announce();
      return { success: true };
    },

    async reload() {
      await loadAll();
      announce();
      const states = [...loaded.values()];
      return { success: true, count: states.filter((s) => !s.error).length, failed: states.filter((s) => s.error).length };
    },
  };
}

export type JsTools = Awaited<ReturnType<typeof openJsTools>>;
