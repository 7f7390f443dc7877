/** Anthropic Messages (`POST /messages`), JSON and streamed, with tool_use / tool_result blocks. */
import { UpstreamError } from './errors.ts';
import { authHeaders, joinUrl, parseArgs } from './headers.ts';
import { upstreamRequest } from './http.ts';
import { modelIds } from './openai.ts';
import { sseJson } from './sse.ts';
import type { Adapter, ChatMessage, ChatRequest, ChatResult, Endpoint, StreamEvent, ToolCall, Usage } from './types.ts';

const API_VERSION = '2023-06-01';
/** Anthropic requires `max_tokens`; used when neither the preset nor the channel sets one. */
const DEFAULT_MAX_TOKENS = 4096;

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string };

interface WireUsage {
  input_tokens?: number;
  output_tokens?: number;
}
interface WireMessage {
  model?: string;
  content?: Array<{ type: string; text?: string; id?: string; name?: string; input?: Record<string, unknown> }>;
  stop_reason?: string | null;
  usage?: WireUsage;
}
interface WireEvent {
  type: string;
  index?: number;
  message?: WireMessage;
  content_block?: { type: string; text?: string; id?: string; name?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: WireUsage;
  error?: { type?: string; message?: string };
}

function blocksOf(m: ChatMessage): Block[] {
  if (m.role === 'tool') return [{ type: 'tool_result', tool_use_id: m.toolCallId ?? '', content: m.content }];
  const blocks: Block[] = m.content ? [{ type: 'text', text: m.content }] : [];
  for (const t of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: t.id, name: t.name, input: t.args });
  return blocks;
}

function toWireBody(request: ChatRequest, stream: boolean): Record<string, unknown> {
  const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  // Tool results travel as user turns; consecutive turns of one role are merged into one message.
  const messages: Array<{ role: 'user' | 'assistant'; content: Block[] }> = [];
  for (const m of request.messages) {
    if (m.role === 'system') continue;
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const last = messages[messages.length - 1];
    if (last?.role === role) last.content.push(...blocksOf(m));
    else messages.push({ role, content: blocksOf(m) });
  }
  return {
    model: request.model,
    max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages,
    ...(system ? { system } : {}),
    ...(request.tools?.length ? { tools: request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.stop?.length ? { stop_sequences: request.stop } : {}),
    ...(stream ? { stream: true } : {}),
  };
}

function toUsage(u: WireUsage | undefined, prior?: Usage): Usage {
  const promptTokens = u?.input_tokens ?? prior?.promptTokens ?? 0;
  const completionTokens = u?.output_tokens ?? prior?.completionTokens ?? 0;
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

/** Status for an error event inside a 200 stream (Anthropic names the kind, not a status). */
const STATUS_OF_ERROR: Record<string, number> = { overloaded_error: 529, rate_limit_error: 429, authentication_error: 401, invalid_request_error: 400 };

const headers = (e: Endpoint) => ({ ...authHeaders(e, { header: 'x-api-key' }), 'anthropic-version': API_VERSION });

export const anthropicAdapter: Adapter = {
  type: 'claude',

  async chat(endpoint, request): Promise<ChatResult> {
    const url = joinUrl(endpoint.baseUrl, endpoint.chatPath || '/messages');
    const res = await upstreamRequest(url, { headers: headers(endpoint), body: toWireBody(request, false) }, endpoint);
    const body = await res.json<WireMessage>();
    if (!Array.isArray(body.content)) throw new UpstreamError('format', res.status, 'upstream answer has no content array');
    const toolCalls: ToolCall[] = [];
    let content = '';
    for (const block of body.content) {
      if (block.type === 'text') content += block.text ?? '';
      if (block.type === 'tool_use') toolCalls.push({ id: block.id ?? `toolu_${toolCalls.length}`, name: block.name ?? '', args: block.input ?? {} });
    }
    return { content, toolCalls, usage: toUsage(body.usage), model: body.model ?? request.model, finishReason: body.stop_reason ?? undefined };
  },

  async *stream(endpoint, request): AsyncGenerator<StreamEvent> {
    const url = joinUrl(endpoint.baseUrl, endpoint.chatPath || '/messages');
    const res = await upstreamRequest(url, { headers: headers(endpoint), body: toWireBody(request, true) }, endpoint);
    let content = '';
    let usage = toUsage(undefined);
    let model = request.model;
    let finishReason: string | undefined;
    const tools = new Map<number, { id: string; name: string; json: string }>();
    for await (const { data } of sseJson<WireEvent>(res.chunks())) {
      switch (data.type) {
        case 'message_start':
          model = data.message?.model ?? model;
          usage = toUsage(data.message?.usage, usage);
          break;
        case 'content_block_start':
          if (data.content_block?.type === 'tool_use') {
            tools.set(data.index ?? tools.size, { id: data.content_block.id ?? '', name: data.content_block.name ?? '', json: '' });
          }
          break;
        case 'content_block_delta':
          if (data.delta?.type === 'text_delta' && data.delta.text) {
            content += data.delta.text;
            yield { type: 'content', text: data.delta.text };
          } else if (data.delta?.type === 'input_json_delta') {
            const tool = tools.get(data.index ?? -1);
            if (tool) tool.json += data.delta.partial_json ?? '';
          }
          break;
        case 'message_delta':
          usage = toUsage(data.usage, usage);
          finishReason = data.delta?.stop_reason ?? finishReason;
          break;
        case 'error': {
          const kind = data.error?.type ?? 'api_error';
          throw new UpstreamError('http', STATUS_OF_ERROR[kind] ?? 500, data.error?.message ?? kind);
        }
      }
    }
    const toolCalls = [...tools.entries()]
      .sort(([a], [b]) => a - b)
      .map(([i, t]) => ({ id: t.id || `toolu_${i}`, name: t.name, args: parseArgs(t.json) }));
    yield { type: 'end', result: { content, toolCalls, usage, model, finishReason } };
  },

  async listModels(endpoint): Promise<string[]> {
    const res = await upstreamRequest(joinUrl(endpoint.baseUrl, endpoint.modelsPath || '/models'), { headers: headers(endpoint) }, endpoint);
    return modelIds(await res.json<unknown>());
  },
};
