/**
 * How the settings route (config module) learns how many SSE streams the exposed MCP server
 * (mcp-server module) has open, through the event bus: that count is the other module's own state.
 */
import type { EventBus } from '../kernel/index.ts';

/** Published by the mcp-server module with `{activeSessions}` whenever its count of open streams changes. */
export const SESSIONS_EVENT = 'mcp-server-sessions';
/** Published by whoever wants SESSIONS_EVENT now; the mcp-server module answers at once. */
export const SESSIONS_WANTED = 'mcp-server-sessions-wanted';

/** Follows the count from now on, asking for it first; the count is 0 while no server answers. */
export function followSessionCount(events: EventBus): () => number {
  let activeSessions = 0;
  events.subscribe((event) => {
    if (event.type === SESSIONS_EVENT) activeSessions = Number(event.activeSessions) || 0;
  });
  events.publish(SESSIONS_WANTED);
  return () => activeSessions;
}
