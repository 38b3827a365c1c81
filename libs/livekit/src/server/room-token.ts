import { Id, type Identity } from '@confab/protocol';
import { fetchIdentity, fetchThread, startVoice } from './chat-service';
import { loadVoiceServerConfig, type EnvVars } from './env';
import { errorResponse, jsonResponse } from './http';
import { logger } from './logger';
import { mintRoomToken } from './token';

export interface RoomTokenInput {
  postSlug: string;
  /** From `?thread=`. */
  threadId: string | null;
  /**
   * Session tokens to act as, best first: the `confab_session` cookie (signed-in user), then
   * `confab_visitor`. A stale first one falls through to the next, as page loads do.
   */
  sessionTokens: Array<string | null | undefined>;
  env?: EnvVars;
  fetchImpl?: typeof fetch;
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
  const tokens = input.sessionTokens.filter((t): t is string => typeof t === 'string' && t.length > 0);
  if (tokens.length === 0) return errorResponse(401, 'AUTH_REQUIRED', 'Sign in or open the thread first.');

  const fetchImpl = input.fetchImpl ?? fetch;
  let caller: { token: string; identity: Identity } | null = null;
  for (const token of tokens) {
    const identity = await fetchIdentity(config.chatServiceUrl, token, fetchImpl);
    if (identity.ok) {
      caller = { token, identity: identity.value };
      break;
    }
    if (identity.status !== 401) return errorResponse(identity.status, identity.code, messageFor(identity.status));
  }
  if (!caller) return errorResponse(401, 'AUTH_REQUIRED', messageFor(401));
  const thread = await fetchThread(config.chatServiceUrl, caller.token, threadId.data, fetchImpl);
  if (!thread.ok) return errorResponse(thread.status, thread.code, messageFor(thread.status));
  // Same answer as for a stranger's thread: do not confirm that the id exists under another post.
  if (thread.value.post_slug !== input.postSlug) return errorResponse(404, 'NOT_FOUND', messageFor(404));
  if (!thread.value.voice_enabled) return errorResponse(403, 'VOICE_DISABLED', 'Voice is off for this agent.');
  // Only a token that would be minted counts against the person (a 404 or 403 starts no agent),
  // and the chat service counts it: one budget however many web servers there are.
  const started = await startVoice(config.chatServiceUrl, caller.token, thread.value.id, fetchImpl);
  if (!started.ok) {
    if (started.status === 429 || started.status === 403) return errorResponse(started.status, started.code, started.message, started.retryAfterS);
    return errorResponse(started.status, started.code, messageFor(started.status));
  }

  const token = await mintRoomToken(config.livekit, {
    identity: caller.identity.id,
    displayName: caller.identity.display_name,
    threadId: thread.value.id,
    postSlug: thread.value.post_slug,
  });
  logger.info({ threadId: thread.value.id, room: token.roomName, identityKind: caller.identity.kind }, 'voice room token minted');
  return jsonResponse(200, token);
}

function messageFor(status: 401 | 404 | 502): string {
  if (status === 401) return 'Your session has ended. Sign in again.';
  if (status === 404) return 'Thread not found.';
  return 'The chat service is unavailable. Try again in a moment.';
}
