import { Id } from '@confab/protocol';
import { fetchIdentity, fetchThread } from './chat-service';
import { loadVoiceServerConfig } from './env';
import { errorResponse, jsonResponse } from './http';
import { logger } from './logger';
import { mintRoomToken } from './token';

export const SESSION_COOKIE = 'confab_session';
export const VISITOR_COOKIE = 'confab_visitor';

export interface RoomTokenInput {
  postSlug: string;
  /** From `?thread=`. */
  threadId: string | null;
  /** `confab_session` (signed-in user) or else `confab_visitor`. */
  sessionToken: string | null;
  env?: NodeJS.ProcessEnv;
  fetchImpl?: typeof fetch;
}

/** Picks the session to act as: a signed-in user's session wins over a leftover visitor cookie. */
export function sessionTokenFromCookies(get: (name: string) => string | undefined): string | null {
  return get(SESSION_COOKIE) || get(VISITOR_COOKIE) || null;
}

/**
 * POST /api/voice/:slug/room-token?thread=<id>. The chat service decides ownership (it answers
 * 404 for threads that are not the caller's); we add: the thread belongs to this post, and the
 * post's agent has voice on. Order matters: "not configured" first (no I/O, nothing leaks), then
 * authentication, then the thread.
 */
export async function handleRoomTokenRequest(input: RoomTokenInput): Promise<Response> {
  const config = loadVoiceServerConfig(input.env);
  if (!config.livekit) return errorResponse(503, 'VOICE_NOT_CONFIGURED', 'Voice is not set up on this server.');

  const threadId = Id.safeParse(input.threadId);
  if (!threadId.success) return errorResponse(400, 'VALIDATION_ERROR', 'The thread query parameter must be a thread id.');
  if (!input.sessionToken) return errorResponse(401, 'AUTH_REQUIRED', 'Sign in or open the thread first.');

  const fetchImpl = input.fetchImpl ?? fetch;
  const [identity, thread] = await Promise.all([
    fetchIdentity(config.chatServiceUrl, input.sessionToken, fetchImpl),
    fetchThread(config.chatServiceUrl, input.sessionToken, threadId.data, fetchImpl),
  ]);
  if (!identity.ok) return errorResponse(identity.status, identity.code, messageFor(identity.status));
  if (!thread.ok) return errorResponse(thread.status, thread.code, messageFor(thread.status));
  // Same answer as for a stranger's thread: do not confirm that the id exists under another post.
  if (thread.value.post_slug !== input.postSlug) return errorResponse(404, 'NOT_FOUND', messageFor(404));
  if (!thread.value.voice_enabled) return errorResponse(403, 'VOICE_DISABLED', 'Voice is off for this agent.');

  const token = await mintRoomToken(config.livekit, {
    identity: identity.value.id,
    displayName: identity.value.display_name,
    threadId: thread.value.id,
    postSlug: thread.value.post_slug,
  });
  logger.info({ threadId: thread.value.id, room: token.roomName, identityKind: identity.value.kind }, 'voice room token minted');
  return jsonResponse(200, token);
}

function messageFor(status: 401 | 404 | 502): string {
  if (status === 401) return 'Your session has ended. Sign in again.';
  if (status === 404) return 'Thread not found.';
  return 'The chat service is unavailable. Try again in a moment.';
}
