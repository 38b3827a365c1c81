/** @confab/chat-client — the browser side of a conversation (see README.md). */
export * from './src/types';
export { useConversation, HEARTBEAT } from './src/use-conversation';
export {
  conversationReducer,
  createInitialState,
  rateLimitWords,
  type ConversationAction,
  type ConversationStoreState,
  type InitialStateInput,
} from './src/reducer';
export { resyncAfterSeq, isRateLimited, retryableReply, streamingReply, checkSendable, type SendCheck } from './src/selectors';
export {
  reconnectDelay,
  backoffCeiling,
  RECONNECT_ATTEMPTS,
  RECONNECT_BASE_DELAY_MS,
  RECONNECT_MAX_DELAY_MS,
  type Jitter,
} from './src/backoff';
export {
  createOutbox,
  defaultOutboxStorage,
  outboxStorageKey,
  type Outbox,
  type OutboxEntry,
  type KeyValueStorage,
  type OutboxAddResult,
} from './src/outbox';
export {
  WS_TICKET_ROUTE,
  buildConversationSocketUrl,
  fetchWsTicket,
  type TicketResult,
} from './src/ticket';
export { historyPath, fetchOlderMessages, type HistoryResult } from './src/history';
export { createConversationStore, type ConversationStore } from './src/store';
export { liveContentOf, type LiveContent } from './src/live-content';
export { textAddedSince, wholeText, type LiveText } from './src/streamed-text';
export {
  shouldReconnectAfterClose,
  reconnectIntervalFor,
  closeReasonWords,
  RECONNECT_CAUSES,
} from './src/socket-policy';
