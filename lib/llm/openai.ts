/** OpenAI chat completions (`POST /chat/completions`), JSON and streamed, with function tools. */
import { UpstreamError } from './errors.ts';
import { authHeaders, joinUrl, parseArgs } from './headers.ts';
import { upstreamRequest } from './http.ts';
import { sseJson } from './sse.ts';
import { emptyUsage, type Adapter, type ChatMessage, type ChatRequest, type ChatResult, type Endpoint, type StreamEvent, type ToolCall, type Usage } from './types.ts';

interface WireToolCall {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}
interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}
interface WireChoice {
  message?: { content?: string | null; tool_calls?: WireToolCall[] };
  delta?: { content?: string | null; tool_calls?: WireToolCall[] };
  finish_reason?: string | null;
}
interface WireResponse {
  model?: string;
  choices?: WireChoice[];
  usage?: WireUsage | null;
}

function toWireMessage(m: ChatMessage): Record<string, unknown> {
  if (m.role === 'tool') return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  if (m.role === 'assistant' && m.toolCalls?.length) {
    return {
      role: 'assistant',
      content: m.content || null,
      tool_calls: m.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.args) } })),
    };
  }
  return { role: m.role, content: m.content };
}

function toWireBody(request: ChatRequest, stream: boolean): Record<string, unknown> {
  return {
    model: request.model,
    messages: request.messages.map(toWireMessage),
    ...(request.tools?.length
      ? { tools: request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })) }
      : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

function toUsage(u: WireUsage | null | undefined): Usage {
  const promptTokens = u?.prompt_tokens ?? 0;
  const completionTokens = u?.completion_tokens ?? 0;
  return { promptTokens, completionTokens, totalTokens: u?.total_tokens ?? promptTokens + completionTokens };
}

function toToolCalls(calls: WireToolCall[] | undefined): ToolCall[] {
  return (calls ?? []).map((t, i) => ({ id: t.id || `call_${i}`, name: t.function?.name ?? '', args: parseArgs(t.function?.arguments) }));
}

const chatUrl = (e: Endpoint) => joinUrl(e.baseUrl, e.chatPath || '/chat/completions');
const headers = (e: Endpoint) => authHeaders(e, 'bearer');

export const openaiAdapter: Adapter = {
  type: 'openai',

  async chat(endpoint, request): Promise<ChatResult> {
    const res = await upstreamRequest(chatUrl(endpoint), { headers: headers(endpoint), body: toWireBody(request, false) }, endpoint);
    const body = await res.json<WireResponse>();
    const choice = body.choices?.[0];
    if (!choice?.message) throw new UpstreamError('format', res.status, 'upstream answer has no choices[0].message');
    return {
      content: choice.message.content ?? '',
      toolCalls: toToolCalls(choice.message.tool_calls),
      usage: toUsage(body.usage),
      model: body.model ?? request.model,
      finishReason: choice.finish_reason ?? undefined,
    };
  },

  async *stream(endpoint, request): AsyncGenerator<StreamEvent> {
    const res = await upstreamRequest(chatUrl(endpoint), { headers: headers(endpoint), body: toWireBody(request, true) }, endpoint);
    let content = '';
    let usage = emptyUsage();
    let model = request.model;
    let finishReason: string | undefined;
    // Tool calls arrive in pieces keyed by `index`: the id and name first, the arguments in slices.
    const calls = new Map<number, { id: string; name: string; args: string }>();
    for await (const { data } of sseJson<WireResponse>(res.chunks())) {
      if (data.model) model = data.model;
      if (data.usage) usage = toUsage(data.usage);
      const choice = data.choices?.[0];
      if (!choice) continue;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      const delta = choice.delta;
      if (delta?.content) {
        content += delta.content;
        yield { type: 'content', text: delta.content };
      }
      for (const piece of delta?.tool_calls ?? []) {
        const index = piece.index ?? calls.size;
        const call = calls.get(index) ?? { id: '', name: '', args: '' };
        if (piece.id) call.id = piece.id;
        if (piece.function?.name) call.name += piece.function.name;
        if (piece.function?.arguments) call.args += piece.function.arguments;
        calls.set(index, call);
      }
    }
    const toolCalls = [...calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([i, c]) => ({ id: c.id || `call_${i}`, name: c.name, args: parseArgs(c.args) }));
    yield { type: 'end', result: { content, toolCalls, usage, model, finishReason } };
  },

  async listModels(endpoint): Promise<string[]> {
    const res = await upstreamRequest(joinUrl(endpoint.baseUrl, endpoint.modelsPath || '/models'), { headers: headers(endpoint) }, endpoint);
    return modelIds(await res.json<unknown>());
  },
};

/** Model ids out of a bare array, `{data: [...]}` or `{models: [...]}` of strings or `{id|name}`. */
export function modelIds(body: unknown): string[] {
  const obj = body as { data?: unknown; models?: unknown };
  const list = Array.isArray(body) ? body : Array.isArray(obj?.data) ? obj.data : Array.isArray(obj?.models) ? obj.models : [];
  const ids = (list as unknown[])
    .map((item) => (typeof item === 'string' ? item : ((item as { id?: string; name?: string })?.id ?? (item as { name?: string })?.name)))
    .filter((id): id is string => typeof id === 'string' && id.length > 0);
  return [...new Set(ids)].sort();
}
