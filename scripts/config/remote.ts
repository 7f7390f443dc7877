/**
 * The config CLI against the running server: it finds it through `<DATA_DIR>/server.json`, mints
 * itself a temporary login token (as `npm run login-link` does) and exchanges it for a JWT.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createLoginToken } from '../../kernel/auth/login-tokens.ts';
import type { ValidationDetail as Detail } from '../../kernel/types.ts';
import { CliError, type Change, type ConfigBackend } from './backend.ts';

interface Envelope {
  success: boolean;
  data?: unknown;
  error?: string;
  code?: string;
  details?: Detail[];
}

const TIMEOUT_MS = 10_000;

/** The running server's URL, or null when none is recorded or its process is gone. */
async function runningServer(dataDir: string): Promise<string | null> {
  let info: { url?: unknown; pid?: unknown };
  try {
    info = JSON.parse(await readFile(path.join(dataDir, 'server.json'), 'utf8'));
  } catch {
    return null;
  }
  if (typeof info.url !== 'string' || typeof info.pid !== 'number') return null;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return info.url;
}

const refused = (err: unknown) => ['ECONNREFUSED', 'ECONNRESET'].includes((err as { cause?: { code?: string } })?.cause?.code ?? '');

/** Connects to the running server; resolves null when there is none to talk to. */
export async function connectToServer(dataDir: string): Promise<ConfigBackend | null> {
  const url = await runningServer(dataDir);
  if (!url) return null;

  const call = async (method: string, route: string, body?: unknown, jwt?: string): Promise<Envelope & { raw: string }> => {
    const yaml = typeof body === 'string';
    const response = await fetch(`${url}${route}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': yaml ? 'text/yaml' : 'application/json' }),
        ...(jwt ? { authorization: `Bearer ${jwt}` } : {}),
      },
      body: body === undefined ? undefined : yaml ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const raw = await response.text();
    if ((response.headers.get('content-type') ?? '').includes('json')) return { ...(JSON.parse(raw) as Envelope), raw };
    return { success: response.ok, raw, ...(response.ok ? {} : { error: `HTTP ${response.status}`, code: 'HTTP_ERROR' }) };
  };

  try {
    await call('GET', '/api/system/health');
  } catch (err) {
    if (refused(err)) return null; // a stale server.json: the server is gone
    throw new CliError(`cannot reach the server at ${url}: ${(err as Error).message}`);
  }
  const { token } = await createLoginToken(dataDir, { kind: 'temporary' });
  const login = await call('POST', '/api/auth/login', { token });
  if (!login.success) throw new CliError(`the server at ${url} refused the login: ${login.error} (${login.code})`);
  const jwt = (login.data as { token: string }).token;

  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const reply = await call(method, `/api/config${route}`, body, jwt);
    if (!reply.success) throw new CliError(`${reply.error} (${reply.code})`, reply.details ?? []);
    return (reply.data ?? reply.raw) as T;
  };

  return {
    mode: 'server',
    get: () => api('GET', ''),
    set: (dotted, value) => api<Change>('PUT', '', { [dotted]: value }),
    unset: (dotted) => api<Change>('POST', '/unset', { paths: [dotted] }),
    exportYaml: () => api<string>('GET', '/export'),
    importText: (text) => api<Change>('POST', '/import', text),
    async validateText(text) {
      try {
        await api('POST', '/validate', text);
        return [];
      } catch (err) {
        if (err instanceof CliError && err.message.endsWith('(INVALID_CONFIG)')) return err.details;
        throw err;
      }
    },
    history: () => api('GET', '/history'),
    rollback: (version) => api<Change>('POST', '/rollback', { version }),
    async close() {},
  };
}
