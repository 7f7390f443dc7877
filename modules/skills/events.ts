/**
 * The events `/api/skills/sse` forwards from the kernel bus (docs/architecture.md#events), whichever
 * module published them, and what of each it sends: a `tool-executed` event carries the call's
 * arguments and result on the bus, but only a summary goes to browsers.
 */
import type { KernelEvent } from '../../kernel/index.ts';

export const SKILL_EVENTS = new Set([
  'tool-executed', 'batch-executed', 'category-toggled', 'tool-toggled', 'tools-reloaded', 'tools-enabled-all', 'tools-disabled-all',
  'server-connecting', 'server-connected', 'server-reconnecting', 'server-reconnected', 'server-removed', 'server-error',
]);

/** The payload sent to SSE clients for a bus event, or undefined when the stream does not carry it. */
export function ssePayload(event: KernelEvent): Record<string, unknown> | undefined {
  if (!SKILL_EVENTS.has(event.type)) return undefined;
  const { type: _type, ...payload } = event;
  if (event.type !== 'tool-executed') return payload;
  const { toolName, success, duration, source, caller, error, timestamp } = payload;
  return { toolName, success, duration, source, caller, error, timestamp };
}
