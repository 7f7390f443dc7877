/** Runs a queued job by its kind: a turn, a command, or a notice's answer. */
import type { ModuleContext, WsSocket } from '../../kernel/index.ts';
import { runCommand } from './commands.ts';
import { runNotice } from './notices.ts';
import type { Job } from './state.ts';
import { runTurn } from './turn.ts';

export function runJob(ctx: ModuleContext, socket: WsSocket, job: Job): Promise<void> {
  if (job.kind === 'command') return runCommand(ctx, socket, job);
  if (job.kind === 'notice') return runNotice(ctx, socket, job);
  return runTurn(ctx, socket, job);
}
