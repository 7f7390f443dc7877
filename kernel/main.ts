/** `npm start`: starts the kernel, prints a temporary login link, and stops cleanly on SIGINT/SIGTERM. */
import { readSettings } from './env.ts';
import { startKernel } from './server.ts';

async function main(): Promise<void> {
  let settings;
  try {
    settings = readSettings();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const kernel = await startKernel(settings);
  console.log(`ChatAI kernel listening on ${kernel.url}`);
  console.log(`Log in (temporary link, 5 minutes, single use): ${await kernel.loginLink()}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, stopping`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await kernel.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

// Awaited: launch.mjs tunes V8 for the workload once this module has finished, i.e. the kernel listens.
await main().catch((err) => {
  console.error(`The kernel could not start: ${(err as Error)?.stack ?? err}`);
  process.exit(1);
});
