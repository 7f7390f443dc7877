/**
 * The one interface the chat path speaks, whatever the upstream wire format: messages, tool
 * definitions and tool calls in a neutral shape that each adapter translates to and from.
 */
import type { NetworkPolicy } from '../net/index.ts';

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  /** The upstream's id (OpenAI, Anthropic) or one we made up (Gemini has none). */
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface ChatMessage {
  role: Role;
  content: string;
  /** Assistant turns that asked for tools. */
  toolCalls?: ToolCall[];
  /** Tool results: the call they answer and the tool's name (Gemini needs the name). */
  toolCallId?: string;
  name?: string;
}

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
}

export interface ChatResult {
  content: string;
  toolCalls: ToolCall[];
  usage: Usage;
  model: string;
  finishReason?: string;
}

/** What a streaming call yields: text as it arrives, then one `end` with the whole result. */
export type StreamEvent = { type: 'content'; text: string } | { type: 'end'; result: ChatResult };

/** Where and how to reach one upstream with one key. */
export interface Endpoint {
  /** Normalised base URL (see `normaliseBaseUrl`). */
  baseUrl: string;
  apiKey: string;
  /** Extra headers from the channel (`customHeaders`). */
  headers?: Record<string, string>;
  /** Overrides the adapter's chat path (e.g. `/chat/completions`). */
  chatPath?: string;
  modelsPath?: string;
  auth?: { type?: 'bearer' | 'api-key' | 'custom'; headerName?: string; prefix?: string };
  /** Milliseconds until response headers, and the longest silence while reading the body. */
  timeout?: { connect?: number; read?: number };
  /** Aborts the upstream request (the client went away). */
  signal?: AbortSignal;
  /** Keeps the request off private networks (a base URL a group admin chose); absent: any address. */
  network?: NetworkPolicy;
}

export type AdapterType = 'openai' | 'claude' | 'gemini';

export interface Adapter {
  readonly type: AdapterType;
  chat(endpoint: Endpoint, request: ChatRequest): Promise<ChatResult>;
  stream(endpoint: Endpoint, request: ChatRequest): AsyncGenerator<StreamEvent>;
  listModels(endpoint: Endpoint): Promise<string[]>;
}

export const emptyUsage = (): Usage => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
