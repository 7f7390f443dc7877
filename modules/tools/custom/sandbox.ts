/**
 * Runs the handler of a custom tool: the JS source of an async function body that receives `args`
 * and `context`. Each call gets a fresh `node:vm` context (no `require`, no `process`, no timers)
 * with its own microtask queue, drained within a 1 s limit, so `while (true) {}` is stopped even
 * after an `await`. A vm context keeps mistakes apart, it is not a security boundary — only the
 * master can define custom tools, and the master can already run commands (MCP stdio servers,
 * KERNEL.md §10 item 17).
 */
import vm from 'node:vm';

const LIMIT_MS = 1000;

export type CompiledHandler = (args: Record<string, unknown>, context: { userId?: string; groupId?: string }) => unknown;

interface Outcome {
  ok: boolean;
  value?: unknown;
  error?: { message?: unknown };
}

/** Compiles `source`; throws a SyntaxError (with the line) when it does not parse. */
export function compileHandler(name: string, source: string): CompiledHandler {
  // The outcome is stored inside the context: a promise of that context only settles while its queue is drained.
  const script = new vm.Script(
    `(async function (args, context) {\n${source}\n})(args, context).then((value) => { outcome = { ok: true, value }; }, (error) => { outcome = { ok: false, error }; });`,
    { filename: `custom-tool:${name}` },
  );
  return (args, context) => {
    const sandbox = vm.createContext({ args: structuredClone(args), context: { ...context }, outcome: undefined as Outcome | undefined }, { microtaskMode: 'afterEvaluate' });
    script.runInContext(sandbox, { timeout: LIMIT_MS });
    const outcome = sandbox.outcome;
    if (!outcome) throw new Error(`custom tool "${name}" is waiting for something that never comes (it has no timers or I/O)`);
    if (!outcome.ok) throw new Error(String(outcome.error?.message ?? outcome.error));
    return outcome.value;
  };
}
