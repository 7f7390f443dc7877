/** Shared helpers of the mcp tests: a kernel serving only auth + mcp (+ a kernel-probe fixture), real MCP server paths, process checks. */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, startServer, type StartOptions, type TestServer } from '../../support/server.ts';

export const EVERYTHING = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
export const FIXTURES = path.join(ROOT, 'test/fixtures/mcp');

/** The `config` of a stdio server running server-everything with this node. */
export const everything = (extra: Record<string, unknown> = {}) => ({ type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], ...extra });

export interface McpKernel extends TestServer {
  /** Events the kernel bus carried, as the kernel-probe fixture module saw them. */
  events(): Promise<Array<Record<string, unknown>>>;
  /** The plugins.json this server reads (editing it enables or disables modules live). */
  pluginsFile: string;
}

/**
 * Starts the real server with every module but auth, config and mcp disabled (plus the kernel-probe
 * fixture), so these tests do not depend on modules being built in parallel. config owns the `mcp`
 * section, which these tests switch.
 */
export async function startMcpKernel(opts: StartOptions = {}): Promise<McpKernel> {
  const pluginsDir = await mkdtemp(path.join(tmpdir(), 'mcp-plugins-'));
  const plugins: Record<string, unknown> = { 'kernel-probe': { path: path.join(FIXTURES, 'kernel-probe') } };
  for (const entry of await readdir(path.join(ROOT, 'modules'), { withFileTypes: true })) {
    if (entry.isDirectory() && !['auth', 'config', 'mcp'].includes(entry.name)) plugins[entry.name] = { enabled: false };
  }
  const pluginsFile = path.join(pluginsDir, 'plugins.json');
  await writeFile(pluginsFile, JSON.stringify(plugins));
  const server = (await startServer({ pluginsFile, ...opts })) as McpKernel;
  const stop = server.stop.bind(server);
  server.stop = async () => {
    await stop();
    await rm(pluginsDir, { recursive: true, force: true });
  };
  server.pluginsFile = pluginsFile;
  server.events = async () => (await server.request('GET', '/api/kernel-probe/events')).body.data;
  return server;
}

/** True while a process exists and is not a zombie (PID 1 in a container may never reap one). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `check` until it returns a truthy value; fails with `what` after `ms`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until GET /servers/:name reports `status`; answers the server detail. */
export function waitForStatus(s: TestServer, name: string, status: string, ms?: number): Promise<Record<string, any>> {
  return waitFor(`${name} to be ${status}`, async () => {
    const res = await s.request('GET', `/api/mcp/servers/${name}`);
    return res.body?.data?.status === status ? res.body.data : undefined;
  }, ms);
}
