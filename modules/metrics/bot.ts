/**
 * Bot messages, counted from the onebot module's `bot-message` event (one per message a bot
 * receives or sends) into plain totals that survive reloads of either module (carried-totals.ts:
 * the bridge's reload does not touch them, this module's hands them over). Label values are
 * bounded: the bot's account, `in`/`out`, the chat type, and whether a sent message was accepted.
 */
import { Counter, type Registry } from 'prom-client';
import type { KernelEvent, ModuleContext } from '../../kernel/index.ts';
import { carriedTotals } from './carried-totals.ts';

interface Totals {
  bot: string;
  direction: string;
  type: string;
  outcome: string;
  messages: number;
}

/** The value when it is one of `allowed`, else `other`. */
const oneOf = (value: unknown, allowed: readonly string[]) => (typeof value === 'string' && allowed.includes(value) ? value : 'other');
/** A QQ account, as the bridge checks it; anything else would be a label value nobody bounded. */
const account = (value: unknown) => (typeof value === 'string' && /^[1-9]\d{0,19}$/.test(value) ? value : '');

function add(totals: Map<string, Totals>, event: KernelEvent): void {
  const bot = account(event.selfId);
  const direction = oneOf(event.direction, ['in', 'out']);
  const type = oneOf(event.messageType, ['group', 'private']);
  const outcome = oneOf(event.outcome, ['ok', 'failed']);
  const key = `${bot} ${direction} ${type} ${outcome}`;
  const entry = totals.get(key);
  if (entry) entry.messages += 1;
  else totals.set(key, { bot, direction, type, outcome, messages: 1 });
}

/** Counts bot messages into `registry` for this version, taking over the totals of the version it replaces. */
export function countBotMessages(ctx: ModuleContext, registry: Registry): void {
  const totals = carriedTotals(ctx, 'bot', 'bot-message', add);
  const messages = new Counter({
    name: 'chatai_bot_messages_total',
    help: 'Bot messages by bot account, direction (in: message events received; out: messages sent), chat type (group, private) and outcome (ok, or failed for a send the implementation refused or did not answer).',
    labelNames: ['bot', 'direction', 'type', 'outcome'],
    registers: [registry],
    collect() {
      messages.reset();
      for (const { messages: count, ...labels } of totals.values()) messages.inc(labels, count);
    },
  });
}
