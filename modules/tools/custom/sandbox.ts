/**
 * Runs the handler of a custom tool: the JS source of an async function body that receives `args`
 * and `context`. Each call runs in a tool worker (runner.ts), in a fresh `node:vm` context that has
 * no `require`, `process`, timers or I/O and holds only objects of its own (worker.ts), drained within
 * a 1 s limit, so `while (true) {}` is stopped even after an `await`. Should anything outlive that
 * limit, the worker is terminated.
 */
import vm from 'node:vm';
import type { ToolRunner } from './runner.ts';

const LIMIT_MS = 1000;
/** Past the vm's own limit, the worker is terminated. */
const GRACE_MS = 1000;

export type CompiledHandler = (args: Record<string, unknown>, context: { userId?: string; groupId?: string }, signal?: AbortSignal) => Promise<unknown>;

/** Checks that `source` parses (throws a SyntaxError with the line) and returns a function that runs it. */
export function compileHandler(runner: ToolRunner, name: string, source: string): CompiledHandler {
  // Compiled only, never run, on the server's thread.
  new vm.Script(`(async function (args, context) {\n${source}\n})`, { filename: `custom-tool:${name}` });
  return (args, context, signal) =>
    runner.run({ kind: 'handler', name, source, args, context, limitMs: LIMIT_MS }, { what: `custom tool "${name}"`, limitMs: LIMIT_MS + GRACE_MS, signal });
}
