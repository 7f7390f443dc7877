/** The real server as the benches run it: a child process, logging only warnings, a rate limit that never trips. */
import { startServer, type StartOptions, type TestServer } from '../../../test/support/server.ts';

export function startBenchKernel(opts: StartOptions = {}): Promise<TestServer> {
  return startServer({ ...opts, env: { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: String(1e9), ...opts.env } });
}
