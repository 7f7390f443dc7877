/**
 * Gives memory back once reloads have settled. V8 runs a full collection only under allocation
 * pressure, so an idle server kept the garbage of its old module versions (a module's state of 1 MB
 * or more sits in the large-object space) and a young generation grown to its maximum during the
 * burst: 300 reloads of a module holding 1 MB left the Node process 35 to 55 MB larger, until the
 * next busy spell. One full collection once the burst has settled frees those pages and shrinks the
 * young generation, and V8 unmaps them: the process is back within 10 MB of where it was
 * (`npm run bench -- reload-footprint`). Old versions call for it when they are disposed, and
 * bundle.ts when it stops esbuild's helper, 1 s after the last build; SETTLE_MS is longer than that,
 * so a burst gets one collection, after both. It pauses the server once per burst.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const SETTLE_MS = 1500;

/**
 * On V8 12 and later (Node 22, 24) the collection V8 runs before it gives up on an allocation: it
 * also returns the pages V8 pools for reuse, which a plain full collection keeps (Node 24 stayed 25 MB
 * above, against 8). It repeats until nothing more is freed, so it pauses longer (50 to 150 ms against
 * 5 to 30). Node 20's V8 does not know it, and given options at all it freed nothing: a plain gc() there.
 */
const OPTIONS = Number(process.versions.v8.split('.')[0]) >= 12 ? { type: 'major', execution: 'sync', flavor: 'last-resort' } : undefined;

type GcFunction = (options?: object) => void;

let gc: GcFunction | undefined;
let timer: NodeJS.Timeout | undefined;

/**
 * V8's `gc()`, also without `--expose-gc` (a flag the user would have to pass). V8 reads the flag
 * when it sets up a new context, so it is turned on for one `vm` context, whose `gc` we keep (that
 * context holds about 150 KB), and off again at once: no other context (a module's `vm` sandbox, a
 * tool worker) gets a `gc` global. Jest's leak detector takes `gc` the same way.
 */
function exposeGc(): GcFunction {
  if (typeof globalThis.gc === 'function') return globalThis.gc as GcFunction;
  setFlagsFromString('--expose-gc');
  try {
    const exposed: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    // A Node whose V8 ignored the flag gives memory back later, on its own; it must not throw in a timer.
    return typeof exposed === 'function' ? (exposed as GcFunction) : () => undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/** Runs a full garbage collection now. */
export function collectGarbage(): void {
  gc ??= exposeGc();
  if (OPTIONS) gc(OPTIONS);
  else gc();
}

/** Runs a full collection once no further call has come for SETTLE_MS. */
export function collectWhenSettled(): void {
  clearTimeout(timer);
  timer = setTimeout(collectGarbage, SETTLE_MS).unref();
}
