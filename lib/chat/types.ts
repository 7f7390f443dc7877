/** What a caller of `runChatTurn` gives and gets: the HTTP chat routes, and the bot bridge. */
import type { HttpError } from '../../kernel/index.ts';
import type { ConversationSource } from '../conversations/index.ts';
import type { CallSource, ToolCall, Usage } from '../llm/index.ts';
import type { ToolCaller } from './tools.ts';

export interface TurnRequest {
  message: string;
  userId: string;
  /** A group chat: the group's conversation and its effective settings. */
  groupId?: string;
  /** An explicit preset (404 PRESET_NOT_FOUND when unknown); else the effective one. */
  presetId?: string;
  /** Overrides every configured model. */
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** false: answer without tools whatever the settings allow. */
  tools?: boolean;
  /** Ask the upstream for a stream, so `content` arrives piece by piece. */
  stream: boolean;
  /** Aborts the upstream call (the client went away); the turn then stores nothing. */
  signal: AbortSignal;
  /** Who the tools run for (default: nobody in particular). */
  caller?: ToolCaller;
  /** Where the turn comes from, for the accounting of its upstream calls (default `api`). */
  source?: Exclude<CallSource, 'system'>;
  /** The chat outside the API the conversation belongs to (the bot's QQ chat), kept on it and listed with it. */
  conversationSource?: ConversationSource;
}

/** Known once the turn is prepared, before the upstream is asked. */
export interface TurnStart {
  conversationId: string;
  /** The model asked for first. */
  model: string;
  presetId: string | null;
}

export interface TurnOutcome {
  content: string;
  conversationId: string;
  presetId: string | null;
  /** The model that answered, and its channel. */
  model: string;
  channelId: string;
  usage: Usage;
  finishReason?: string;
  toolCalls: Array<{ name: string; args: Record<string, unknown>; result: string }>;
}

/**
 * Events of a turn, in order: `start` once; then `content`, `toolCall` and `toolResult` as they come;
 * `answer` once the final answer is in; then `end` (after the conversation was stored) or `error` —
 * neither when the signal aborted the turn.
 * A failure before `start` (unknown preset, no channel) reaches no sink: the turn rejects with it.
 */
export interface TurnSink {
  start?(info: TurnStart): void;
  content?(text: string): void;
  toolCall?(call: ToolCall): void;
  toolResult?(result: { id: string; name: string; result: string; success: boolean }): void;
  /** The final answer as soon as the upstream gave it, before it is accounted for and stored: a bot sends it at once. */
  answer?(content: string): void;
  end?(outcome: TurnOutcome): void;
  error?(error: HttpError): void;
}
