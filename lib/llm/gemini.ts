/**
 * Google Gemini `generateContent` / `streamGenerateContent?alt=sse`, with function declarations.
 * Gemini gives function calls no id, so ids are made up here; tool results go back by name.
 */
import { UpstreamError } from './errors.ts';
import { authHeaders, joinUrl } from './headers.ts';
import { upstreamRequest } from './http.ts';
import { sseJson } from './sse.ts';
import type { Adapter, ChatMessage, ChatRequest, ChatResult, Endpoint, StreamEvent, ToolCall, Usage } from './types.ts';

interface Part {
  text?: string;
  thought?: boolean;
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
}
interface WireResponse {
  candidates?: Array<{ content?: { parts?: Part[] }; finishReason?: string }>;
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; totalTokenCount?: number };
  modelVersion?: string;
}

/** JSON-Schema keywords Gemini's OpenAPI subset rejects. */
const UNSUPPORTED_KEYS = new Set(['$schema', '$id', 'additionalProperties']);

function sanitiseSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sanitiseSchema);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !UNSUPPORTED_KEYS.has(k))
      .map(([k, v]) => [k, sanitiseSchema(v)]),
  );
}

function partsOf(m: ChatMessage): Part[] {
  if (m.role === 'tool') return [{ functionResponse: { name: m.name ?? '', response: { content: m.content } } }];
  const parts: Part[] = m.content ? [{ text: m.content }] : [];
  for (const t of m.toolCalls ?? []) parts.push({ functionCall: { name: t.name, args: t.args } });
  return parts;
}

function toWireBody(request: ChatRequest): Record<string, unknown> {
  const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const contents: Array<{ role: 'user' | 'model'; parts: Part[] }> = [];
  for (const m of request.messages) {
    if (m.role === 'system') continue;
    const role = m.role === 'assistant' ? 'model' : 'user';
    const last = contents[contents.length - 1];
    if (last?.role === role) last.parts.push(...partsOf(m));
    else contents.push({ role, parts: partsOf(m) });
  }
  const generationConfig = {
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.maxTokens !== undefined ? { maxOutputTokens: request.maxTokens } : {}),
    ...(request.topP !== undefined ? { topP: request.topP } : {}),
    ...(request.stop?.length ? { stopSequences: request.stop } : {}),
  };
  return {
    contents,
    ...(system ? { systemInstruction: { parts: [{ text: system }] } } : {}),
    ...(request.tools?.length
      ? { tools: [{ functionDeclarations: request.tools.map((t) => ({ name: t.name, description: t.description, parameters: sanitiseSchema(t.parameters) })) }] }
      : {}),
    ...(Object.keys(generationConfig).length ? { generationConfig } : {}),
  };
}

function toUsage(u: WireResponse['usageMetadata']): Usage {
  const promptTokens = u?.promptTokenCount ?? 0;
  const completionTokens = u?.candidatesTokenCount ?? 0;
  return { promptTokens, completionTokens, totalTokens: u?.totalTokenCount ?? promptTokens + completionTokens };
}

/** The versioned API root: a base URL without a version path gets `/v1beta`. */
function apiRoot(baseUrl: string): string {
  return /\/v1(alpha|beta)?(\/|$)/.test(new URL(baseUrl).pathname) ? baseUrl : joinUrl(baseUrl, '/v1beta');
}

function modelUrl(endpoint: Endpoint, model: string, method: string): string {
  if (endpoint.chatPath) return joinUrl(endpoint.baseUrl, endpoint.chatPath.replace('{model}', model).replace('{method}', method));
  return joinUrl(apiRoot(endpoint.baseUrl), `/models/${encodeURIComponent(model.replace(/^models\//, ''))}:${method}`);
}

const headers = (e: Endpoint) => authHeaders(e, { header: 'x-goog-api-key' });

/** Text and function calls of one response; `thought` parts (thinking summaries) are not the answer. */
function read(body: WireResponse, callsSoFar: number): { text: string; calls: ToolCall[]; finishReason?: string } {
  const candidate = body.candidates?.[0];
  let text = '';
  const calls: ToolCall[] = [];
  for (const part of candidate?.content?.parts ?? []) {
    if (part.text && !part.thought) text += part.text;
    if (part.functionCall) {
      calls.push({ id: part.functionCall.id ?? `call_${callsSoFar + calls.length}`, name: part.functionCall.name, args: part.functionCall.args ?? {} });
    }
  }
  return { text, calls, finishReason: candidate?.finishReason };
}

export const geminiAdapter: Adapter = {
  type: 'gemini',

  async chat(endpoint, request): Promise<ChatResult> {
    const res = await upstreamRequest(modelUrl(endpoint, request.model, 'generateContent'), { headers: headers(endpoint), body: toWireBody(request) }, endpoint);
    const body = await res.json<WireResponse>();
    if (!Array.isArray(body.candidates)) throw new UpstreamError('format', res.status, 'upstream answer has no candidates array');
    const { text, calls, finishReason } = read(body, 0);
    return { content: text, toolCalls: calls, usage: toUsage(body.usageMetadata), model: body.modelVersion ?? request.model, finishReason };
  },

  async *stream(endpoint, request): AsyncGenerator<StreamEvent> {
    const url = modelUrl(endpoint, request.model, 'streamGenerateContent') + '?alt=sse';
    const res = await upstreamRequest(url, { headers: headers(endpoint), body: toWireBody(request) }, endpoint);
    let content = '';
    let usage = toUsage(undefined);
    let model = request.model;
    let finishReason: string | undefined;
    const toolCalls: ToolCall[] = [];
    for await (const { data } of sseJson<WireResponse & { error?: { code?: number; message?: string } }>(res.chunks())) {
      if (data.error) throw new UpstreamError('http', data.error.code ?? 500, data.error.message ?? 'upstream stream error');
      if (data.usageMetadata) usage = toUsage(data.usageMetadata);
      if (data.modelVersion) model = data.modelVersion;
      const piece = read(data, toolCalls.length);
      finishReason = piece.finishReason ?? finishReason;
      toolCalls.push(...piece.calls);
      if (piece.text) {
        content += piece.text;
        yield { type: 'content', text: piece.text };
      }
    }
    yield { type: 'end', result: { content, toolCalls, usage, model, finishReason } };
  },

  async listModels(endpoint): Promise<string[]> {
    const url = endpoint.modelsPath ? joinUrl(endpoint.baseUrl, endpoint.modelsPath) : joinUrl(apiRoot(endpoint.baseUrl), '/models');
    const res = await upstreamRequest(url, { headers: headers(endpoint) }, endpoint);
    const body = await res.json<{ models?: Array<{ name?: string }> }>();
    const names = (body.models ?? []).map((m) => (m.name ?? '').replace(/^models\//, '')).filter(Boolean);
    return [...new Set(names)].sort();
  },
};
