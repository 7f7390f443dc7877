/**
 * Runs one bench file in this process for `run.ts` and sends its figures back over IPC:
 * `{kind: 'figures', figures}`, or `{kind: 'skip'}` for a file that exports no `run()`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bench } from './figures.ts';

const send = (message: unknown) => new Promise<void>((done) => process.send!(message, () => done()));

const file = path.resolve(process.argv[2]);
const loaded = (await import(pathToFileURL(file).href)) as { run?: Bench };
if (typeof loaded.run !== 'function') await send({ kind: 'skip' });
else await send({ kind: 'figures', figures: await loaded.run() });
// A bench may leave idle sockets or watchers behind; they are not worth waiting for.
process.exit(0);
