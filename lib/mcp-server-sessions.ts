/**
 * How the settings route (config module) learns how many SSE streams the exposed MCP server
 * (mcp-server module) has open, through the event bus: that count is the other module's own state.
 */
import type { EventBus } from '../kernel/index.ts';

/** Published by the mcp-server module with `{activeSessions}` whenever its count of open streams changes. */
const SESSIONS_EVENT = 'mcp-server-sessions';
/** Published by whoever wants SESSIONS_EVENT now; the mcp-server module answers at once. */
const SESSIONS_WANTED = 'mcp-server-sessions-wanted';

/** The mcp-server side: answers when asked; the returned function is called on every change of `count()`. */
export function announceSessionCount(events: EventBus, count: () => number): () => void {
  const announce = () => events.publish(SESSIONS_EVENT, { activeSessions: count() });
  events.subscribe((event) => {
    if (event.type === SESSIONS_WANTED) announce();
  });
  return announce;
}

/** The settings side: follows the count from now on, asking for it first; 0 while no server answers. */
export function followSessionCount(events: EventBus): () => number {
  let activeSessions = 0;
  events.subscribe((event) => {
    if (event.type === SESSIONS_EVENT) activeSessions = Number(event.activeSessions) || 0;
  });
  events.publish(SESSIONS_WANTED);
  return () => activeSessions;
}
