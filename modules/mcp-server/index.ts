/**
 * The plugin's own tools for external MCP clients (docs/api.md#mcp-server), outside /api at `/mcp`:
 * streamable HTTP (`POST /mcp`, one JSON-RPC message or a batch per request) and the older SSE
 * transport (`GET /mcp/sse` + `POST /mcp/message`). Off until `mcp.server.enabled` is true and
 * `mcp.server.apiKey` is set; every route needs that key as a Bearer token.
 */
import { defineModule, holdEventStream, type HttpError, type ModuleContext, type ModuleRouter, type RequestContext } from '../../kernel/index.ts';
import { clientGone } from '../../lib/tool-state/execute.ts';
import { announceSessionCount } from '../../lib/mcp-server-sessions.ts';
import { exposedTools } from '../../lib/tool-state/view.ts';
import { accessOf, refusal, type Refusal } from './access.ts';
import { bodyRefusal, EMPTY_BODY } from './body-refusal.ts';
import { answerAll, PROTOCOL_VERSION, SERVER_INFO, type RpcError } from './rpc.ts';
import { Sessions } from './sessions.ts';

/** A JSON answer as it is, not in the API envelope: MCP clients read JSON-RPC. */
function sendJson(c: RequestContext, status: number, value: unknown): void {
  c.status = status;
  c.type = 'application/json';
  c.body = JSON.stringify(value);
}

/** Documents the body only: the JSON-RPC layer checks it and answers a malformed one in JSON-RPC terms, not with the API's envelope. */
const rpcBody = { description: 'A JSON-RPC 2.0 message (an object) or a batch of them (an array)' };

const rpcFailure = (c: RequestContext, status: number, error: RpcError) => sendJson(c, status, { jsonrpc: '2.0', error, id: null });
const refuse = (c: RequestContext, refused: Refusal) => rpcFailure(c, refused.status, refused.error);

/**
 * The parsed body, or undefined when the request sent no bytes, which is no JSON either:
 * koa-bodyparser keeps the text it read as `rawBody`, and the kernel does not parse a bodiless request.
 */
function messageOf(c: RequestContext): unknown {
  const request = c.request as { body?: unknown; rawBody?: string };
  return request.rawBody ? request.body : undefined;
}

function routes(router: ModuleRouter, ctx: ModuleContext): void {
  // The settings route (config module) shows how many streams are open (lib/mcp-server-sessions.ts).
  const sessions = new Sessions(() => announce());
  const announce = announceSessionCount(ctx.events, () => sessions.size);
  ctx.onDispose(() => sessions.endAll());
  let access = accessOf(ctx.config);
  ctx.events.subscribe((event) => {
    // A newer version of this module has taken over: end this one's streams now, so that clients
    // reconnect to it (its sessions are its own), instead of keeping streams whose posts go nowhere.
    if (event.type === 'module-loaded' && event.name === ctx.name) sessions.endAll();
    else if (event.type === 'config-changed' && accessOf(ctx.config) !== access) {
      // Switched off or given a new key: streams opened under the old terms end; clients that may
      // still connect do so again with the new key.
      access = accessOf(ctx.config);
      sessions.endAll();
    }
  });

  /** True when the caller may go on; otherwise the refusal has been answered. */
  const admitted = (c: RequestContext): boolean => {
    const refused = refusal(ctx.config, c.get('authorization'));
    if (refused) refuse(c, refused);
    return !refused;
  };
  /** The kernel's refusal of a body (RouteSpec.bodyErrors), told in JSON-RPC; as in the handlers, the key is checked first. */
  const bodyErrors = (c: RequestContext, error: HttpError) => {
    if (admitted(c)) refuse(c, bodyRefusal(error));
  };

  router.get('/', ctx.validate({ summary: 'MCP server status: name, protocol version, tool count, transports (API key)' }), async (c) => {
    if (!admitted(c)) return;
    // A streamable-HTTP client asks for a stream of server-initiated messages here; there are none.
    if (c.accepts('application/json', 'text/event-stream') === 'text/event-stream') {
      c.set('Allow', 'POST');
      return rpcFailure(c, 405, { code: -32000, message: 'This server sends no messages of its own: POST requests to /mcp' });
    }
    sendJson(c, 200, {
      ...SERVER_INFO,
      protocolVersion: PROTOCOL_VERSION,
      status: 'running',
      toolCount: (await exposedTools(ctx)).length,
      transports: ['streamable-http', 'sse'],
      activeSessions: sessions.size,
    });
  });

  router.post('/', ctx.validate({ summary: 'One JSON-RPC message (or a batch): initialize, ping, tools/list, tools/call (API key)', body: rpcBody, bodyErrors }), async (c) => {
    if (!admitted(c)) return;
    const message = messageOf(c);
    if (message === undefined) return refuse(c, EMPTY_BODY);
    const reply = await answerAll(ctx, message, clientGone(c));
    if (reply !== null) return sendJson(c, 200, reply);
    // Notifications only: no content (an empty string passes the API envelope untouched).
    c.status = 204;
    c.body = '';
  });

  router.get('/sse', ctx.validate({ summary: 'SSE transport: an `endpoint` event, then replies as `message` events (API key)' }), (c) => {
    if (!admitted(c)) return;
    holdEventStream(c);
    c.respond = false;
    sessions.start(c.res, (id) => `${ctx.prefix}/message?sessionId=${id}`);
  });

  router.post('/message', ctx.validate({ summary: 'A JSON-RPC message for an SSE session; the reply goes to its stream (API key)', body: rpcBody, bodyErrors }), (c) => {
    if (!admitted(c)) return;
    const id = typeof c.query.sessionId === 'string' ? c.query.sessionId : '';
    const session = sessions.get(id);
    if (!session) return rpcFailure(c, 400, { code: -32000, message: `No open SSE session "${id}": open GET ${ctx.prefix}/sse first` });
    const message = messageOf(c);
    if (message === undefined) return refuse(c, EMPTY_BODY);
    void answerAll(ctx, message).then(
      (reply) => reply && session.send('message', JSON.stringify(reply)),
      (err) => ctx.log.error('MCP server: a message failed', { error: (err as Error)?.message ?? String(err) }),
    );
    sendJson(c, 202, { status: 'accepted' });
  });
}

export default defineModule({ name: 'mcp-server', prefix: '/mcp', routes });
