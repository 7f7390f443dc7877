/**
 * Runs custom and JS tools in worker threads (`worker.ts`), away from the server's heap and event
 * loop: a busy loop there never delays another request, and a tool that allocates without end meets
 * its worker's heap limit, not the server's. A worker runs one job at a time; a job that outlives its
 * limit, or whose caller gives up (the registry aborts the signal at the tool's time limit), has its
 * worker terminated, and the next job gets a new one. Starting a worker costs about 45 ms, so one is
 * kept for the next job until it has been idle for IDLE_MS; at most MAX_WORKERS run at once.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';

/** What a worker is asked to do (see worker.ts); arguments and results travel as plain data. */
export type Job =
  | { kind: 'handler'; name: string; source: string; args: unknown; context: unknown; limitMs: number }
  | { kind: 'describe'; file: string; code: string }
  | { kind: 'module'; file: string; code: string; args: unknown; context: unknown };

export type Reply = { ok: true; value: unknown } | { ok: false; message: string };

export interface RunOptions {
  /** Names the tool in errors: `custom tool "x"`. */
  what: string;
  /** The worker is terminated when the job has not answered by then. */
  limitMs?: number;
  /** The worker is terminated when this aborts. */
  signal?: AbortSignal;
}

/** The heap of one worker (old generation); memory outside the JS heap (ArrayBuffer contents) is not counted. */
const MEMORY_MB = 64;
const MAX_WORKERS = 8;
const IDLE_MS = 30_000;

export function createToolRunner(requireFrom: string) {
  let code: Promise<string> | undefined;
  let idle: { worker: Worker; timer: NodeJS.Timeout } | undefined;
  let running = 0;
  const waiting: Array<() => void> = [];
  let closed = false;

  // The worker's file is TypeScript and the server runs without a loader: it is built once per runner.
  const build = () =>
    (code ??= esbuild
      .build({ entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))], bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' })
      .then((result) => result.outputFiles[0].text, (err) => {
        code = undefined;
        throw err;
      }));

  const spawn = async () => {
    const worker = new Worker(await build(), {
      eval: true,
      workerData: { requireFrom },
      // Not the server's flags (a loader, --inspect): a worker only runs plain JavaScript.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: MEMORY_MB, maxYoungGenerationSizeMb: 16 },
    });
    worker.unref();
    // An error of a worker between jobs (a timer a JS tool left behind) ends that worker, not the server.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      if (idle?.worker !== worker) return;
      clearTimeout(idle.timer);
      idle = undefined;
    });
    return worker;
  };

  const take = () => {
    const worker = idle?.worker;
    if (idle) clearTimeout(idle.timer);
    idle = undefined;
    return worker;
  };

  const park = (worker: Worker) => {
    if (closed || idle) {
      void worker.terminate();
      return;
    }
    const timer = setTimeout(() => void take()?.terminate(), IDLE_MS);
    timer.unref();
    idle = { worker, timer };
  };

  /** A place among the MAX_WORKERS; waits for one, unless the signal aborts first. */
  const acquire = (signal?: AbortSignal) => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (running < MAX_WORKERS) {
      running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const turn = () => {
        signal?.removeEventListener('abort', cancel);
        resolve();
      };
      const cancel = () => {
        waiting.splice(waiting.indexOf(turn), 1);
        reject(signal?.reason);
      };
      waiting.push(turn);
      signal?.addEventListener('abort', cancel, { once: true });
    });
  };
  // The place goes to the next waiting job, if any.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  /** Posts `job` and waits for its reply; on a failure of any kind the worker is terminated. */
  const exchange = (worker: Worker, job: Job, opts: RunOptions) =>
    new Promise<Reply>((resolve, reject) => {
      const stop = (error: unknown) => {
        cleanup();
        void worker.terminate();
        reject(error);
      };
      const onMessage = (reply: Reply) => {
        cleanup();
        resolve(reply);
      };
      const onError = (err: NodeJS.ErrnoException) =>
        stop(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`${opts.what} ran out of memory (the limit is ${MEMORY_MB} MB)`) : err);
      const onExit = (exitCode: number) => stop(new Error(`${opts.what} ended its worker (exit code ${exitCode})`));
      const onAbort = () => stop(opts.signal?.reason ?? new Error(`${opts.what} was cancelled`));
      const timer = opts.limitMs === undefined ? undefined : setTimeout(() => stop(new Error(`${opts.what} did not finish within ${opts.limitMs} ms`)), opts.limitMs);
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        worker.postMessage(job);
      } catch (err) {
        stop(err);
      }
    });

  return {
    /** Runs `job` in a worker and resolves with the tool's value; rejects with the tool's error or the reason it was stopped. */
    async run(job: Job, opts: RunOptions): Promise<unknown> {
      await acquire(opts.signal);
      try {
        const worker = take() ?? (await spawn());
        const reply = await exchange(worker, job, opts);
        park(worker);
        if (!reply.ok) throw new Error(reply.message);
        return reply.value;
      } finally {
        release();
      }
    },
    /** Ends the idle worker; a busy one ends when its job does (calls running during a reload finish). */
    close() {
      closed = true;
      void take()?.terminate();
    },
  };
}

export type ToolRunner = ReturnType<typeof createToolRunner>;
