/** Conversation storage shared by the chat and conversations modules. */
export { conversationStore, type ConversationStore } from './store.ts';
export { CONVERSATION_ID_PATTERN, isConversationId } from './ids.ts';
export type * from './types.ts';
