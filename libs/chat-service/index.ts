/**
 * @confab/chat-service — the chat service (REST + WebSocket) as a library. The process entry
 * point is src/main.ts (`npm run chat-service`); embed or test it through `createChatService`.
 * Node only: this pulls in the database drivers.
 */
export { createChatService, type ChatService, type ChatServiceOptions, type RealtimeService } from './src/server';
export { loadConfig, type ChatServiceConfig } from './src/config';
export { createLogger, type Logger } from './src/logger';
export { createAccess } from './src/access';
export type { AuthService, SignInResult } from './src/auth/service';
export type { Catalog, Owner } from './src/db/catalog';
export { SEED_POSTS } from './src/seed';
export type {
  Access,
  Auth,
  ConversationRecord,
  MessagePage,
  MessagePatch,
  NewMessage,
  Principal,
  Realtime,
  Store,
} from './src/contracts';
