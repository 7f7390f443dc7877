/** The chat turn shared by `POST /api/chat` and the bot bridge: one call, events through a sink. */
export { runChatTurn } from './turn.ts';
export { conversationIdOf } from './conversation.ts';
export type { TurnOutcome, TurnRequest, TurnSink, TurnStart } from './types.ts';
export type { ToolCaller } from './tools.ts';
