/** The event bus: in-process publish/subscribe that feeds the SSE streams. */
import type { EventBus, KernelEvent, Logger } from './types.ts';

export function createEventBus(log: Logger): EventBus {
  const listeners = new Set<(event: KernelEvent) => void>();
  return {
    publish(type, payload = {}) {
      const event: KernelEvent = { ...payload, type, timestamp: Date.now() };
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
