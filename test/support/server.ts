/**
 * Starts the real server (what `npm start` runs: `node kernel/launch.mjs`) as a child process on a loopback port
 * with a temporary DATA_DIR, and logs in through the real login-token flow.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLoginToken } from '../../kernel/auth/login-tokens.ts';
import { makeModulesDir, type ModulesDir, type ModulesDirOptions } from './modules.ts';
import { ROOT } from './root.ts';

export { ROOT };

export interface StartOptions {
  dataDir?: string;
  modulesDir?: string;
  /** A temporary MODULES_DIR with these real and fixture modules (see `makeModulesDir`); removed on stop. */
  modules?: ModulesDirOptions;
  pluginsFile?: string;
  env?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON of any shape
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  raw?: string | Buffer;
  /** A JWT; `null` sends no credentials; default: the master token. */
  token?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  /** The temporary MODULES_DIR made for `opts.modules`, for tests that edit module files. */
  modules?: ModulesDir;
  /** A master JWT obtained through POST /api/auth/login. */
  token: string;
  loginAs(opts: { groupId?: string }): Promise<string>;
  request(method: string, path: string, opts?: RequestOptions): Promise<Reply>;
  output(): string;
  pid(): number;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function waitForUrl(child: ChildProcess, log: { text: string }): Promise<string> {
  const from = log.text.length; // a restart appends to the same log
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 45 s:\n${log.text}`)), 45_000);
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(log.text.slice(from));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${log.text}`));
    });
  });
}

/** Starts a server; call `stop()` in an `after` hook. The data dir is removed on stop unless it was given. */
export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const ownsDataDir = !opts.dataDir;
  const modules = opts.modules ? await makeModulesDir(opts.modules) : undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'chatai-test-')));
  const log = { text: '' };
  let child: ChildProcess;
  let url = '';

  const launch = async () => {
    child = spawn(process.execPath, [path.join(ROOT, 'kernel/launch.mjs')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        MODULES_DIR: modules?.dir ?? opts.modulesDir ?? path.join(ROOT, 'modules'),
        PLUGINS_FILE: opts.pluginsFile ?? path.join(dataDir, 'plugins.test.json'),
        RATE_LIMIT_MAX: '100000',
        PANEL_RATE_LIMIT_MAX: '100000',
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (log.text += d));
    child.stderr!.on('data', (d) => (log.text += d));
    try {
      url = await waitForUrl(child, log);
    } catch (err) {
      child.kill('SIGKILL'); // never leave a half-started server behind
      throw err;
    }
  };

  const request = async (method: string, p: string, o: RequestOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? server.token : o.token;
    if (token && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url + p, { method, headers, body: body as BodyInit | undefined, signal: o.signal, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  const loginAs = async ({ groupId }: { groupId?: string }) => {
    const { token } = await createLoginToken(dataDir, { kind: 'temporary', groupId });
    const res = await request('POST', '/api/auth/login', { body: { token }, token: null });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    return res.body.data.token as string;
  };

  const stopChild = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((ok) => child.once('exit', ok));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await launch();
  } catch (err) {
    await modules?.cleanup();
    throw err;
  }
  const server: TestServer = {
    get url() {
      return url;
    },
    get port() {
      return Number(new URL(url).port);
    },
    dataDir,
    modules,
    token: '',
    loginAs,
    request,
    output: () => log.text,
    pid: () => child.pid!,
    async restart() {
      await stopChild();
      await launch();
    },
    async stop() {
      await stopChild();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      await modules?.cleanup();
    },
  };
  server.token = await loginAs({});
  return server;
}
