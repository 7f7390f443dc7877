/**
 * Action calls (communication/ws.md): `{action, params, echo}` out, the answer matched back by its
 * `echo` (answers may come in any order), 10 s at most (docs/bot.md#order-and-load). The calls waiting
 * live in the socket's state, so an answer that a newer version of the module receives still
 * settles a call an older one made.
 */
import type { WsSocket } from '../../kernel/index.ts';
import { botOf, type BotState } from './state.ts';

export const ACTION_TIMEOUT_MS = 10_000;

/** A failed action: `retcode` from the implementation, or null for a timeout or a closed connection. */
export class ActionError extends Error {
  constructor(
    readonly action: string,
    readonly retcode: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

/** Sends an action on `socket` and resolves with the answer's `data`; rejects with an ActionError. */
export function callAction(socket: WsSocket, action: string, params: Record<string, unknown>): Promise<unknown> {
  const bot = botOf(socket);
  if (!bot) return Promise.reject(new ActionError(action, null, `${action}: the connection is not set up`));
  const echo = `a${bot.nextEcho++}`;
  return new Promise((resolve, reject) => {
    // A plain timer, not ctx.setTimeout: a call made just before a reload must still end when the old version is disposed.
    const timer = setTimeout(() => finish(new ActionError(action, null, `${action}: no answer within ${ACTION_TIMEOUT_MS / 1000} s`)), ACTION_TIMEOUT_MS);
    const finish = (error: Error | null, data?: unknown) => {
      clearTimeout(timer);
      delete bot.pending[echo];
      if (error) reject(error);
      else resolve(data);
    };
    bot.pending[echo] = {
      settle(frame) {
        const ok = frame.status === 'ok' || frame.status === 'async' || frame.retcode === 0;
        if (ok) return finish(null, frame.data);
        const retcode = typeof frame.retcode === 'number' ? frame.retcode : null;
        finish(new ActionError(action, retcode, `${action} failed (retcode ${retcode ?? 'none'})`));
      },
      fail: (reason) => finish(new ActionError(action, null, `${action}: ${reason}`)),
    };
    if (!socket.send(JSON.stringify({ action, params, echo }))) finish(new ActionError(action, null, `${action}: the connection is closed`));
  });
}

/** Whether a frame is an action's answer rather than an event. */
export const isAnswer = (frame: Record<string, unknown>) => frame.post_type === undefined && 'echo' in frame && ('status' in frame || 'retcode' in frame);

/** Settles the call an answer names; false when its echo is unknown (a stray or very late answer). */
export function settleAnswer(bot: BotState, frame: Record<string, unknown>): boolean {
  const pending = typeof frame.echo === 'string' && Object.hasOwn(bot.pending, frame.echo) ? bot.pending[frame.echo] : undefined;
  pending?.settle(frame);
  return pending !== undefined;
}

/** Fails every call still waiting on a connection that closed. */
export function failPending(bot: BotState): void {
  for (const pending of Object.values(bot.pending)) pending.fail('the connection closed before the answer');
}
