/**
 * Runs the handler of a custom tool: the JS source of an async function body that receives `args`
 * and `context`. Each call gets a fresh `node:vm` context (no `require`, no `process`), its
 * synchronous part is cut off after 1 s and the whole call after 10 s. A vm context keeps mistakes
 * apart, it is not a security boundary — only the master can define custom tools, and the master can
 * already run commands (MCP stdio servers, KERNEL.md §10 item 17).
 */
import vm from 'node:vm';

const SYNC_LIMIT_MS = 1000;
const TOTAL_LIMIT_MS = 10_000;

export type CompiledHandler = (args: Record<string, unknown>, context: { userId?: string; groupId?: string }) => Promise<unknown>;

/** Compiles `source`; throws a SyntaxError (with the line) when it does not parse. */
export function compileHandler(name: string, source: string): CompiledHandler {
  const script = new vm.Script(`(async function (args, context) {\n${source}\n})(args, context)`, { filename: `custom-tool:${name}` });
  return async (args, context) => {
    const sandbox = vm.createContext({ args: structuredClone(args), context: { ...context } });
    const running = script.runInContext(sandbox, { timeout: SYNC_LIMIT_MS }) as Promise<unknown>;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        running,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`custom tool "${name}" did not finish within ${TOTAL_LIMIT_MS} ms`)), TOTAL_LIMIT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
}
