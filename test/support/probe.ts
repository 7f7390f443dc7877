/**
 * A test server with a probe preloaded (NODE_OPTIONS=--import test/fixtures/probes/<probe>.mjs) that
 * appends what it catches to the file PROBE_FILE names: `caught()` reads it ('' when nothing was).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, startServer, type TestServer } from './server.ts';

export interface ProbedServer {
  server: TestServer;
  caught(): string;
  stop(): Promise<void>;
}

export async function startProbed(probe: string): Promise<ProbedServer> {
  const dir = await mkdtemp(path.join(tmpdir(), `chatai-probe-${probe}-`));
  const file = path.join(dir, 'probe.log');
  const server = await startServer({ env: { NODE_OPTIONS: `--import ${path.join(ROOT, `test/fixtures/probes/${probe}.mjs`)}`, PROBE_FILE: file } });
  return {
    server,
    caught: () => (existsSync(file) ? readFileSync(file, 'utf8') : ''),
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
