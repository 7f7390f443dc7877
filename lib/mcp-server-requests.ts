/**
 * How another module changes MCP servers (the skills module's original paths, `POST /api/tools/reload-all`):
 * it asks on the event bus and the mcp module answers with the same service calls as its own
 * `/api/mcp/servers*` routes, so the data, the validation, the errors and the `server-*` events are
 * that module's. The bus calls listeners synchronously, so whether a loaded mcp module took the
 * request is known as soon as it is published.
 */
import { HttpError, type EventBus } from '../kernel/index.ts';

const REQUEST = 'mcp-server-request';

export type McpServerRequest =
  | { op: 'add'; body: Record<string, unknown> }
  | { op: 'remove'; name: string }
  | { op: 'reconnect'; name: string }
  | { op: 'reconnect-all' };

/** The mcp side: `answer` performs a request; its promise goes back to the asker. */
export function answerMcpServerRequests(events: EventBus, answer: (request: McpServerRequest) => Promise<unknown>): void {
  events.subscribe((event) => {
    if (event.type !== REQUEST) return;
    const { request, take } = event as unknown as { request: McpServerRequest; take: (perform: () => Promise<unknown>) => void };
    take(() => answer(request));
  });
}

/** The asking side: the mcp module's answer, or 503 MCP_UNAVAILABLE when no mcp module is loaded. */
export function askMcpServers(events: EventBus, request: McpServerRequest): Promise<unknown> {
  let result: Promise<unknown> | undefined;
  // During a reload two versions may listen for a moment: only the first performs the request.
  events.publish(REQUEST, { request, take: (perform: () => Promise<unknown>) => void (result ??= perform()) });
  return result ?? Promise.reject(new HttpError(503, 'MCP_UNAVAILABLE', 'The mcp module is not loaded (see plugins.json), so MCP servers cannot be changed'));
}
