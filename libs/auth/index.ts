/**
 * @confab/auth — server-only helpers for route handlers and server components: identity
 * cookies, the typed chat-service client, page data loaders and the API route logic.
 * Never import this from a client component: it reads httpOnly session tokens.
 */
export { CHAT_SERVICE_TIMEOUT_MS, ChatServiceClient } from './src/chat-service-client';
export { requestClientAddress } from './src/client-address';
export { PAGE_BUDGET_MS, PAGE_DEADLINE_HEADER, pageDeadline, parsePageDeadline } from './src/deadline';
export { ChatServiceError, isNotFound, isSessionError } from './src/errors';
export { SESSION_COOKIE, VISITOR_COOKIE, sessionCookieOptions, shouldUseSecureCookies } from './src/cookie-options';
export type { SessionCookieOptions } from './src/cookie-options';
export { parseServerEnv, publicWsBase, serverEnv } from './src/env';
export type { ServerEnv } from './src/env';
export {
  chatService,
  clearIdentityCookie,
  ensureVisitorSession,
  getCurrentIdentity,
  requestChatService,
  resolveIdentity,
  setIdentityCookie,
} from './src/identity';
export type { CurrentIdentity, IdentityCookie, ResolvedIdentity } from './src/identity';
export { ticketParamFor } from './src/ticket';
export type { TicketParam, WsTicketAnswer } from './src/ticket';
export { isDemoAgent } from './src/demo';
export { json, jsonError, readBodyText, readJsonBody, toErrorResponse, withErrors, RequestError } from './src/http';
export * as api from './src/route-handlers';
export { loadPostPage, loadPosts, loadThreadPage, loadThreads, loadViewer } from './src/page-data';
export type { PostPageData, ThreadPageData, Viewer } from './src/page-data';
