/** Shared helpers of the tools and skills tests: a kernel serving only the modules under test, and on-disk reads. */
import { readFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, startServer, type StartOptions, type TestServer } from '../../support/server.ts';

/**
 * Starts the real server with every module disabled except auth, config, tools, skills and `extra`, so these
 * tests do not depend on modules being built in parallel; `options` become plugins.json options.
 */
export async function startToolsKernel(opts: StartOptions & { extra?: string[]; options?: Record<string, Record<string, unknown>> } = {}): Promise<TestServer> {
  // config: it owns the builtinTools section, which the tool routes write.
  const keep = new Set(['auth', 'config', 'tools', 'skills', ...(opts.extra ?? [])]);
  const pluginsDir = await mkdtemp(path.join(tmpdir(), 'tools-plugins-'));
  const plugins: Record<string, unknown> = {};
  for (const entry of await readdir(path.join(ROOT, 'modules'), { withFileTypes: true })) {
    if (entry.isDirectory() && !keep.has(entry.name)) plugins[entry.name] = { enabled: false };
  }
  for (const [name, options] of Object.entries(opts.options ?? {})) plugins[name] = { options };
  const pluginsFile = path.join(pluginsDir, 'plugins.json');
  await writeFile(pluginsFile, JSON.stringify(plugins));
  const server = await startServer({ pluginsFile, ...opts });
  const stop = server.stop.bind(server);
  server.stop = async () => {
    await stop();
    await rm(pluginsDir, { recursive: true, force: true });
  };
  return server;
}

/** The `builtinTools` section as stored in `<DATA_DIR>/config.json`. */
export async function storedToolSettings(server: TestServer): Promise<Record<string, unknown>> {
  const config = JSON.parse(await readFile(path.join(server.dataDir, 'config.json'), 'utf8'));
  return config.builtinTools ?? {};
}

/** Calls a tool through `POST /api/tools/call`; `value` is its text result on success, parsed when it is JSON. */
export async function callTool(server: TestServer, name: string, args?: Record<string, unknown>) {
  const res = await server.request('POST', '/api/tools/call', { body: args === undefined ? { name } : { name, args } });
  const text = res.body?.data?.result?.content?.[0]?.text;
  return { res, value: res.status === 200 && typeof text === 'string' ? parsed(text) : undefined };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a tool result of any shape
function parsed(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
