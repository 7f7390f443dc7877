/**
 * One chat turn, the same for `POST /api/chat` and the bot: the settings (see ./settings.ts), the
 * channels that serve the model, the tools and the history are read; the model is asked, tools run
 * on the way; the exchange is appended to the conversation. Dependencies come from the caller's
 * module context (store, config, tools, events, log).
 */
import { HttpError, type Logger, type ModuleContext } from '../../kernel/index.ts';
import { conversationStore } from '../conversations/index.ts';
import { upstreamFailure, type ChatMessage } from '../llm/index.ts';
import { conversationIdOf, history, persist } from './conversation.ts';
import { runChat, type EngineSink } from './engine.ts';
import { routesFor } from './routing.ts';
import { turnSettings } from './settings.ts';
import { chatTools } from './tools.ts';
import type { TurnOutcome, TurnRequest, TurnSink } from './types.ts';

/** A failure as the client sees it: an upstream one is 502 API_ERROR with the upstream's status and message. */
function turnError(err: unknown, log: Logger): HttpError {
  const failure = upstreamFailure(err, 'upstream error');
  if (failure instanceof HttpError) return failure;
  log.error(`chat turn failed: ${(err as Error)?.stack ?? err}`);
  return new HttpError(500, 'INTERNAL_ERROR', 'Internal server error');
}

/**
 * Runs a turn, reporting to `sink` as it goes (see `TurnSink`). Resolves with the outcome once the
 * conversation is stored; rejects with an HttpError: before `start` for what stops the turn from
 * starting (404 PRESET_NOT_FOUND, 503 CHANNEL_UNAVAILABLE), after it for a failed answer.
 */
export async function runChatTurn(ctx: ModuleContext, request: TurnRequest, sink: TurnSink = {}): Promise<TurnOutcome> {
  const settings = await turnSettings(ctx.store, ctx.config, request);
  const conversations = conversationStore(ctx.store);
  const conversationId = conversationIdOf(ctx.config, request.userId, request.groupId);
  // Independent reads: side by side, since they all stand before the first byte of the answer.
  const [routes, tools, stored] = await Promise.all([
    routesFor(ctx.store, ctx.config, settings.model, settings.configuredModel),
    settings.tools ? chatTools(ctx, settings.tools) : null,
    conversations.messages(conversationId, { limit: settings.historyLimit }),
  ]);
  const system: ChatMessage[] = settings.systemPrompt ? [{ role: 'system', content: settings.systemPrompt }] : [];
  const messages: ChatMessage[] = [...system, ...history(stored), { role: 'user', content: request.message }];
  sink.start?.({ conversationId, model: routes[0].model, presetId: settings.presetId });

  try {
    const engineSink: EngineSink = {
      content: (text) => sink.content?.(text),
      toolCall: (call) => sink.toolCall?.(call),
      toolResult: (result) => sink.toolResult?.(result),
      answer: (content) => sink.answer?.(content),
    };
    const { sampling } = settings;
    const { userId, groupId, stream, signal, caller } = request;
    const outcome = await runChat(ctx, { routes, source: request.source ?? 'api', userId, groupId, messages, sampling, tools, stream, signal, caller, sink: engineSink });
    await persist(conversations, conversationId, request.message, outcome, { userId: request.userId, groupId: request.groupId, source: request.conversationSource });
    const { content, model, channelId, usage, finishReason, toolCalls } = outcome;
    const result: TurnOutcome = { content, conversationId, presetId: settings.presetId, model, channelId, usage, finishReason, toolCalls };
    sink.end?.(result);
    return result;
  } catch (err) {
    const error = turnError(err, ctx.log);
    // A caller that went away hears nothing more.
    if (!request.signal.aborted) sink.error?.(error);
    throw error;
  }
}
