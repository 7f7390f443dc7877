/**
 * One chat turn: the model is asked (streamed or not) through the first channel and key that work —
 * failing over to the next while nothing has reached the client yet — and every tool it asks for is
 * run and answered, for a bounded number of rounds. Every call goes through `callUpstream`, which
 * accounts for it.
 */
import {
  callUpstream,
  channelsCollection,
  emptyUsage,
  enabledKeys,
  UpstreamError,
  type CallSource,
  type Channel,
  type ChatMessage,
  type ChatResult,
  type StoreLike,
  type ToolCall,
  type UpstreamDeps,
  type Usage,
} from '../llm/index.ts';
import type { Route } from './routing.ts';
import type { ChatTools, ToolCaller } from './tools.ts';

/** Rounds in which the model may call tools; one more round without tools forces an answer. */
export const MAX_TOOL_ROUNDS = 5;

/** What the engine reports while it runs (the turn forwards it to its caller's sink). */
export interface EngineSink {
  content(text: string): void;
  toolCall(call: ToolCall): void;
  toolResult(result: { id: string; name: string; result: string; success: boolean }): void;
  /** The final answer (all rounds' text) as soon as the upstream gave it, before it is accounted for and stored. */
  answer?(content: string): void;
}

export interface EngineTurn {
  routes: Route[];
  /** Who the turn is for, as its upstream calls are accounted (docs/statistics.md#what-is-recorded). */
  source: CallSource;
  userId?: string;
  groupId?: string;
  messages: ChatMessage[];
  sampling: { temperature?: number; maxTokens?: number; topP?: number };
  tools: ChatTools | null;
  stream: boolean;
  signal: AbortSignal;
  caller?: ToolCaller;
  sink: EngineSink;
}

export interface EngineOutcome {
  content: string;
  model: string;
  channelId: string;
  usage: Usage;
  finishReason?: string;
  toolCalls: Array<{ name: string; args: Record<string, unknown>; result: string }>;
  /** Assistant and tool messages produced by this turn, in order (for the conversation). */
  messages: ChatMessage[];
}

const addUsage = (a: Usage, b: Usage): Usage => ({
  promptTokens: a.promptTokens + b.promptTokens,
  completionTokens: a.completionTokens + b.completionTokens,
  totalTokens: a.totalTokens + b.totalTokens,
});

/** Statuses that blame the key, not the channel: another key of the same channel may work. */
const KEY_FAILURES = new Set([401, 403, 429]);

/** How many keys of a channel one request may try: `retry.maxAttempts`, at most the number of usable keys. */
function keyAttempts(channel: Channel): number {
  return Math.max(1, Math.min(channel.retry?.maxAttempts ?? 1, enabledKeys(channel).length));
}

/** The stored channel as it is now (key usage and errors change with every call). */
async function current(store: StoreLike, channel: Channel): Promise<Channel> {
  return (await channelsCollection(store).read()).channels.find((c) => c.id === channel.id) ?? channel;
}

/**
 * Asks the model once, trying the routes in order; on a key failure (401/403/429) the next key of the
 * same channel is tried first. Returns the answer and the route that gave it.
 */
async function ask(deps: UpstreamDeps, turn: EngineTurn, messages: ChatMessage[], offerTools: boolean, earlier: string): Promise<{ result: ChatResult; route: Route }> {
  let lastError: unknown;
  let switched = false;
  for (const route of turn.routes) {
    const attempts = keyAttempts(route.channel);
    for (let attempt = 0; attempt < attempts; attempt++) {
      const channel = attempt === 0 ? route.channel : await current(deps.store, route.channel);
      const request = { model: route.model, messages, ...turn.sampling, ...(offerTools && turn.tools?.specs.length ? { tools: turn.tools.specs } : {}) };
      let sentSomething = false;
      const onContent = (text: string) => {
        sentSomething = true;
        turn.sink.content(text);
      };
      // An answer with no tool call to run is the final one (as runChat decides below).
      const onResult = (result: ChatResult) => {
        if (!result.toolCalls.length || !turn.tools || !offerTools) turn.sink.answer?.(earlier + result.content);
      };
      try {
        const { source, userId, groupId, stream, signal } = turn;
        const { value } = await callUpstream(deps, channel, { kind: 'chat', source, userId, groupId, switched, signal, stream, request, onContent, onResult });
        return { result: value, route };
      } catch (err) {
        // The client went away, or part of an answer is already out: nothing else can take over.
        if ((err instanceof UpstreamError && err.aborted) || sentSomething || !(err instanceof UpstreamError)) throw err;
        lastError = err;
        switched = true;
        if (!KEY_FAILURES.has(err.status)) break;
      }
    }
  }
  throw lastError;
}

export async function runChat(deps: UpstreamDeps, turn: EngineTurn): Promise<EngineOutcome> {
  const messages = [...turn.messages];
  const produced: ChatMessage[] = [];
  const toolCalls: EngineOutcome['toolCalls'] = [];
  let usage = emptyUsage();
  let content = '';

  for (let round = 0; ; round++) {
    const { result, route } = await ask(deps, turn, messages, round < MAX_TOOL_ROUNDS, content);
    // The channel that answered is tried first in the following rounds.
    turn.routes = [route, ...turn.routes.filter((r) => r !== route)];
    usage = addUsage(usage, result.usage);
    content += result.content;
    if (!result.toolCalls.length || !turn.tools || round >= MAX_TOOL_ROUNDS) {
      const final: ChatMessage = { role: 'assistant', content: result.content };
      produced.push(final);
      return { content, model: result.model, channelId: route.channel.id, usage, finishReason: result.finishReason, toolCalls, messages: produced };
    }
    const asking: ChatMessage = { role: 'assistant', content: result.content, toolCalls: result.toolCalls };
    messages.push(asking);
    produced.push(asking);
    for (const call of result.toolCalls) {
      turn.sink.toolCall({ ...call, name: turn.tools.nameOf(call.name) });
      const ran = await turn.tools.run(call.name, call.args, turn.caller, turn.signal);
      turn.sink.toolResult({ id: call.id, name: ran.name, result: ran.text, success: ran.success });
      toolCalls.push({ name: ran.name, args: call.args, result: ran.text });
      const answer: ChatMessage = { role: 'tool', content: ran.text, toolCallId: call.id, name: call.name };
      messages.push(answer);
      produced.push(answer);
    }
    if (turn.signal.aborted) throw new UpstreamError('aborted', 0, 'request aborted by the caller');
  }
}
