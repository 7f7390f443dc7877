/**
 * The code of a tool worker (see runner.ts): one job at a time, answered with a `Reply`. Compiled
 * code is kept per tool, so a worker that is reused does not compile again.
 *
 * - `handler`: a custom tool's handler runs in a fresh `node:vm` context inside this worker. Its
 *   arguments are parsed from JSON inside that context, so every object it can reach belongs to the
 *   context: `args.constructor.constructor('return process')()` finds no `process`. Its result leaves
 *   the context as JSON text.
 * - `module`, `describe`: a JS tool file (CommonJS, from esbuild) is evaluated here with `require`,
 *   like a module of the server, and its `run(args, context)` is called; `describe` only reads what
 *   its default export declares.
 *
 * Plain JavaScript once built: runs without the server's TypeScript loader.
 */
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import type { Job, Reply } from './runner.ts';

interface ToolModule {
  name?: unknown;
  description?: unknown;
  inputSchema?: unknown;
  timeoutMs?: unknown;
  run?: (args: unknown, context: unknown) => unknown;
}

const requireFrom = createRequire((workerData as { requireFrom: string }).requireFrom);
const scripts = new Map<string, { source: string; script: vm.Script }>();
const modules = new Map<string, { code: string; def: ToolModule }>();

/** Plain data that can be posted back (what the registry would have turned into JSON anyway). */
const plain = (value: unknown): unknown => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

function runHandler(job: Extract<Job, { kind: 'handler' }>): unknown {
  let entry = scripts.get(job.name);
  if (entry?.source !== job.source) {
    // The outcome stays inside the context: its promises settle only while its own queue is drained.
    const script = new vm.Script(
      `(async function (args, context) {\n${job.source}\n})(JSON.parse(argsJson), JSON.parse(contextJson)).then(
        (value) => { outcome = { ok: true, json: JSON.stringify(value === undefined ? null : value) }; },
        (error) => { outcome = { ok: false, message: String(error && error.message !== undefined ? error.message : error) }; });`,
      { filename: `custom-tool:${job.name}` },
    );
    entry = { source: job.source, script };
    scripts.set(job.name, entry);
  }
  const sandbox = vm.createContext({ argsJson: JSON.stringify(job.args), contextJson: JSON.stringify(job.context) }, { microtaskMode: 'afterEvaluate' });
  entry.script.runInContext(sandbox, { timeout: job.limitMs });
  // Only strings are taken out of the context.
  const outcome = sandbox.outcome as { ok?: unknown; json?: unknown; message?: unknown } | undefined;
  if (!outcome) throw new Error(`custom tool "${job.name}" is waiting for something that never comes (it has no timers or I/O)`);
  if (outcome.ok !== true) throw new Error(typeof outcome.message === 'string' ? outcome.message : 'the handler failed');
  if (typeof outcome.json !== 'string') throw new Error('the handler returned a value that is not JSON');
  return JSON.parse(outcome.json);
}

function load(file: string, code: string): ToolModule {
  const cached = modules.get(file);
  if (cached?.code === code) return cached.def;
  const module = { exports: {} as Record<string, unknown> };
  const fn = vm.compileFunction(code, ['exports', 'require', 'module'], { filename: `js-tools/${file}.js` });
  fn(module.exports, requireFrom, module);
  const def = (module.exports.default ?? module.exports) as ToolModule;
  modules.set(file, { code, def });
  return def;
}

async function perform(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'handler':
      return runHandler(job);
    case 'describe': {
      const def = load(job.file, job.code);
      return plain({ name: def.name, description: def.description, inputSchema: def.inputSchema, timeoutMs: def.timeoutMs, runs: typeof def.run === 'function' });
    }
    case 'module': {
      const def = load(job.file, job.code);
      if (typeof def.run !== 'function') throw new Error('the default export has no run(args, context) function');
      return plain(await def.run.call(def, job.args, job.context));
    }
  }
}

parentPort!.on('message', (job: Job) => {
  perform(job).then(
    (value): Reply => ({ ok: true, value }),
    (error): Reply => ({ ok: false, message: String((error as Error)?.message ?? error) }),
  ).then((reply) => parentPort!.postMessage(reply));
});
