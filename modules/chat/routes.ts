/** `POST /api/chat` and `POST /api/chat/stream` (docs/api.md#chat, docs/http.md#event-streams): HTTP and SSE around the shared turn. */
import { requestBody, type ModuleContext, type ModuleRouter, type RequestContext } from '../../kernel/index.ts';
import { runChatTurn, type TurnRequest, type TurnSink } from '../../lib/chat/index.ts';
import { clientGone } from '../../lib/tool-state/execute.ts';
import { chatBody, type ChatBody } from './schemas.ts';
import { openChatStream, type ChatStream } from './stream.ts';

function turnRequest(c: RequestContext, body: ChatBody, stream: boolean): TurnRequest {
  const { message, userId, groupId, model, temperature, maxTokens, tools } = body;
  return { message, userId, groupId, presetId: body.presetId ?? body.preset, model, temperature, maxTokens, tools, stream, signal: clientGone(c), caller: c.state.user };
}

export function routes(router: ModuleRouter, ctx: ModuleContext): void {
  const answer = async (c: RequestContext, body: ChatBody) => {
    const outcome = await runChatTurn(ctx, turnRequest(c, body, false));
    const { content, conversationId, model, channelId, presetId, toolCalls, usage } = outcome;
    c.body = { content, response: content, conversationId, model, channelId, presetId, toolCalls, usage };
  };

  const stream = async (c: RequestContext, body: ChatBody) => {
    // Opened once the turn has started: what fails before (an unknown preset, no channel) is a JSON envelope.
    let out: ChatStream | undefined;
    const sink: TurnSink = {
      start: (info) => (out = openChatStream(c, { ...info })),
      content: (text) => out?.send('content', { text, data: text }),
      toolCall: (call) => out?.send('tool_call', { id: call.id, name: call.name, args: call.args }),
      toolResult: (r) => out?.send('tool_result', { id: r.id, name: r.name, result: r.result, success: r.success }),
      end: (o) => out?.send('end', { usage: o.usage, model: o.model, channelId: o.channelId, conversationId: o.conversationId, finishReason: o.finishReason ?? null }),
      error: (e) => out?.send('error', { code: e.code, error: e.message, ...(e.extra ?? {}) }),
    };
    try {
      await runChatTurn(ctx, turnRequest(c, body, true), sink);
    } catch (err) {
      if (!out) throw err; // after the start, the failure went out as an `error` frame
    } finally {
      out?.end();
    }
  };

  router.post('/', ctx.validate({ summary: 'Chat: one answer (tools run on the way), stored in the conversation', body: chatBody }), async (c) => {
    const body = requestBody<ChatBody>(c);
    await (body.stream ? stream(c, body) : answer(c, body));
  });

  router.post('/stream', ctx.validate({ summary: 'Chat as Server-Sent Events: start, content, tool_call, tool_result, end, error', body: chatBody }), async (c) => {
    await stream(c, requestBody<ChatBody>(c));
  });
}
