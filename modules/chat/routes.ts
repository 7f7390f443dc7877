/** `POST /api/chat` and `POST /api/chat/stream` (API.md §13, KERNEL.md §10.8). */
import { HttpError } from '../../kernel/index.ts';
import type { ModuleContext, ModuleRouter, RequestContext } from '../../kernel/index.ts';
import { conversationStore, type NewMessage, type StoredMessage } from '../../lib/conversations/index.ts';
import { UpstreamError, type ChatMessage } from '../../lib/llm/index.ts';
import { clientGone } from '../../lib/tool-state/execute.ts';
import { runChat, type ChatOutcome, type ChatSink } from './engine.ts';
import { resolvePreset } from './preset.ts';
import { routesFor } from './routing.ts';
import { chatBody, type ChatBody } from './schemas.ts';
import { openChatStream } from './stream.ts';
import { chatTools } from './tools.ts';

/** An upstream failure as the client sees it: 502 API_ERROR with the upstream's status and message. */
function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof UpstreamError) {
    return new HttpError(502, 'API_ERROR', `upstream error: ${err.message}`, { extra: { details: { status: err.status, message: err.message, kind: err.kind } } });
  }
  throw err;
}

/** Stored history as model messages: no system turns, and never starting in the middle of a tool exchange. */
function history(stored: StoredMessage[]): ChatMessage[] {
  const messages = stored
    .filter((m) => m.role !== 'system')
    .map(({ role, content, toolCalls, toolCallId, name }) => ({ role, content: typeof content === 'string' ? content : JSON.stringify(content), toolCalls, toolCallId, name }));
  const firstUser = messages.findIndex((m) => m.role === 'user');
  return firstUser === -1 ? [] : messages.slice(firstUser);
}

export function routes(router: ModuleRouter, ctx: ModuleContext): void {
  const conversations = conversationStore(ctx.store);

  /** Everything a turn needs that can fail as a plain HTTP error, before any byte of a stream is sent. */
  const prepare = async (body: ChatBody) => {
    const preset = await resolvePreset(ctx.store, ctx.config, body.presetId ?? body.preset);
    const conversationId = conversationIdOf(body, ctx);
    // Independent reads: side by side, since they all stand before the first byte of the answer.
    const [routes, tools, stored] = await Promise.all([
      routesFor(ctx.store, ctx.config, body.model ?? preset.model),
      body.tools === false ? null : chatTools(ctx, preset.tools),
      conversations.messages(conversationId, { limit: preset.historyLimit }),
    ]);
    const past = history(stored);
    const messages: ChatMessage[] = [...(preset.systemPrompt ? [{ role: 'system' as const, content: preset.systemPrompt }] : []), ...past, { role: 'user', content: body.message }];
    return { preset, routes, conversationId, tools, messages };
  };

  const persist = (body: ChatBody, conversationId: string, outcome: ChatOutcome) => {
    const last = outcome.messages.length - 1;
    const produced: NewMessage[] = outcome.messages.map((m, i) => (i === last ? { ...m, model: outcome.model, usage: outcome.usage } : { ...m }));
    return conversations.append(conversationId, [{ role: 'user', content: body.message }, ...produced], { userId: body.userId, groupId: body.groupId });
  };

  const answer = async (c: RequestContext, body: ChatBody) => {
    const turn = await prepare(body);
    const silent: ChatSink = { content() {}, toolCall() {}, toolResult() {} };
    let outcome: ChatOutcome;
    try {
      outcome = await runChat(ctx.store, { ...turn, sampling: sampling(body, turn.preset), stream: false, signal: clientGone(c), user: c.state.user, sink: silent });
    } catch (err) {
      throw toHttpError(err);
    }
    await persist(body, turn.conversationId, outcome);
    c.body = {
      content: outcome.content,
      response: outcome.content,
      conversationId: turn.conversationId,
      model: outcome.model,
      channelId: outcome.channelId,
      presetId: turn.preset.id,
      toolCalls: outcome.toolCalls,
      usage: outcome.usage,
    };
  };

  const stream = async (c: RequestContext, body: ChatBody) => {
    const turn = await prepare(body);
    const out = openChatStream(c, { conversationId: turn.conversationId, model: body.model ?? turn.routes[0].model, presetId: turn.preset.id });
    const sink: ChatSink = {
      content: (text) => out.send('content', { text, data: text }),
      toolCall: (call) => out.send('tool_call', { id: call.id, name: call.name, args: call.args }),
      toolResult: (r) => out.send('tool_result', { id: r.id, name: r.name, result: r.result, success: r.success }),
    };
    try {
      const outcome = await runChat(ctx.store, { ...turn, sampling: sampling(body, turn.preset), stream: true, signal: out.signal, user: c.state.user, sink });
      await persist(body, turn.conversationId, outcome);
      out.send('end', { usage: outcome.usage, model: outcome.model, channelId: outcome.channelId, conversationId: turn.conversationId, finishReason: outcome.finishReason ?? null });
    } catch (err) {
      if (err instanceof UpstreamError && err.aborted) return;
      let httpError: HttpError;
      try {
        httpError = toHttpError(err);
      } catch {
        ctx.log.error(`chat stream failed: ${(err as Error)?.stack ?? err}`);
        httpError = new HttpError(500, 'INTERNAL_ERROR', 'Internal server error');
      }
      out.send('error', { code: httpError.code, error: httpError.message, ...(httpError.extra ?? {}) });
    } finally {
      out.end();
    }
  };

  router.post('/', ctx.validate({ summary: 'Chat: one answer (tools run on the way), stored in the conversation', body: chatBody }), async (c) => {
    const body = c.request.body as ChatBody;
    await (body.stream ? stream(c, body) : answer(c, body));
  });

  router.post('/stream', ctx.validate({ summary: 'Chat as Server-Sent Events: start, content, tool_call, tool_result, end, error', body: chatBody }), async (c) => {
    await stream(c, c.request.body as ChatBody);
  });
}

/** API.md §5: a group shares one conversation unless users are isolated; private chats are per user unless shared. */
function conversationIdOf(body: ChatBody, ctx: ModuleContext): string {
  if (body.groupId) return ctx.config.get<boolean | undefined>('context.isolation.groupUserIsolation') ? `group:${body.groupId}:user:${body.userId}` : `group:${body.groupId}`;
  return ctx.config.get<boolean | undefined>('context.isolation.privateIsolation') === false ? 'private:shared' : `user:${body.userId}`;
}

function sampling(body: ChatBody, preset: { temperature?: number; maxTokens?: number; topP?: number }) {
  return { temperature: body.temperature ?? preset.temperature, maxTokens: body.maxTokens ?? preset.maxTokens, topP: preset.topP };
}
