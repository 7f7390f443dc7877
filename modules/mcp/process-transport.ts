/**
 * The stdio transport for MCP servers, spawned in a process group of their own.
 *
 * Why not the SDK's StdioClientTransport: it spawns the child in our process group and on close
 * signals only that child, so whatever the server started (`npx` → `node`, a shell wrapper → the
 * real server) lives on as an orphan. Here the child leads a new group and close() signals the
 * whole group: SIGTERM, a grace period, then SIGKILL. The framing is the SDK's own (ReadBuffer,
 * serializeMessage), so the wire format is exactly the official one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ReadBuffer } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Sdk } from './sdk.ts';

/** Variables a server inherits from us; its own `env` is laid over them (so PATH is kept). */
const INHERITED_ENV = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'LANG', 'TMPDIR', 'NODE_EXTRA_CA_CERTS', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];
const GRACE_MS = 1500;
const STDERR_TAIL_LINES = 20;

const groupsSupported = process.platform !== 'win32';

export interface ProcessTransportOptions {
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Each line the server writes to stderr. */
  onStderr?: (line: string) => void;
}

export function serverEnvironment(env: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = process.env[key];
    if (value !== undefined && !value.startsWith('()')) base[key] = value;
  }
  return { ...base, ...env };
}

/** Signals a whole process group; false when nothing of it is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(groupsSupported ? -pid : pid, signal);
    return true;
  } catch {
    return false;
  }
}

export class ProcessGroupTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcess;
  /** The group id (the first child's pid): kept after the leader exits, its children may not have. */
  private group?: number;
  private readonly buffer: ReadBuffer;
  private readonly stderrTail: string[] = [];
  private closing?: Promise<void>;

  constructor(
    private readonly options: ProcessTransportOptions,
    private readonly framing: Pick<Sdk, 'ReadBuffer' | 'serializeMessage'>,
  ) {
    this.buffer = new framing.ReadBuffer();
  }

  /** The pid of the server process (the leader of its group), while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines the server wrote to stderr: the best clue when it fails to start. */
  get stderr(): string {
    return this.stderrTail.join('\n');
  }

  start(): Promise<void> {
    if (this.child) throw new Error('ProcessGroupTransport already started');
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, this.options.args, {
        env: serverEnvironment(this.options.env),
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: groupsSupported,
        windowsHide: true,
      });
      this.child = child;
      this.group = child.pid;
      child.once('error', (err) => {
        reject(err);
        this.onerror?.(err);
      });
      child.once('spawn', () => resolve());
      child.once('close', () => {
        this.child = undefined;
        // The server died on its own: whatever it started goes with it.
        if (!this.closing) void this.close();
        this.onclose?.();
      });
      child.stdin!.on('error', (err) => this.onerror?.(err));
      child.stdout!.on('data', (chunk: Buffer) => {
        this.buffer.append(chunk);
        this.drain();
      });
      let partial = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.noteStderr(line);
      });
    });
  }

  private noteStderr(line: string): void {
    if (!line.trim()) return;
    this.stderrTail.push(line.slice(0, 500));
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    this.options.onStderr?.(line);
  }

  private drain(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (err) {
        this.onerror?.(err as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || stdin.destroyed) return reject(new Error('Not connected'));
      if (stdin.write(this.framing.serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends the server and everything it started; resolves when the group is gone. */
  close(): Promise<void> {
    this.closing ??= this.terminate();
    return this.closing;
  }

  private async terminate(): Promise<void> {
    const child = this.child;
    const group = this.group;
    if (group) {
      const exited = !child || child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => child.once('close', () => resolve()));
      child?.stdin?.end();
      signalGroup(group, 'SIGTERM');
      const deadline = Date.now() + GRACE_MS;
      await Promise.race([exited, sleep(GRACE_MS)]);
      // The leader is gone; give the rest of its group what is left of the grace period.
      while (Date.now() < deadline && signalGroup(group, 0)) await sleep(50);
      if (signalGroup(group, 'SIGKILL')) {
        // SIGKILL is delivered asynchronously: wait (briefly) until the group is really gone.
        const killDeadline = Date.now() + 500;
        while (Date.now() < killDeadline && signalGroup(group, 0)) await sleep(20);
      }
      await Promise.race([exited, sleep(500)]);
    }
    this.buffer.clear();
  }

  /** Last resort at process exit: synchronous, no grace period. */
  killNow(): void {
    if (this.group) signalGroup(this.group, 'SIGKILL');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
