import { ApiError, MeResponse, ThreadResponse, type Identity, type Thread, type VoiceSessionBody } from '@confab/protocol';

/**
 * The two chat-service calls the token route needs, made with the caller's own session so the
 * chat service's access rules (owner only, 404 for everyone else) decide who gets a token.
 */

export type ChatServiceResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: 401 | 404 | 502; code: ApiError['error']['code'] };

const REQUEST_TIMEOUT_MS = 5000;

async function askJson(url: string, bearer: string, fetchImpl: typeof fetch, method: 'GET' | 'POST' = 'GET'): Promise<{ status: number; body: unknown } | null> {
  try {
    const response = await fetchImpl(url, {
      method,
      headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch {
    return null;
  }
}

function failure<T>(status: number | null): ChatServiceResult<T> {
  if (status === 401) return { ok: false, status: 401, code: 'AUTH_REQUIRED' };
  // 403 from the chat service is folded into 404: the caller must not learn the thread exists.
  if (status === 403 || status === 404) return { ok: false, status: 404, code: 'NOT_FOUND' };
  return { ok: false, status: 502, code: 'INTERNAL_ERROR' };
}

export async function fetchIdentity(baseUrl: string, sessionToken: string, fetchImpl: typeof fetch = fetch): Promise<ChatServiceResult<Identity>> {
  const answer = await askJson(`${baseUrl}/v1/auth/me`, sessionToken, fetchImpl);
  if (!answer || answer.status !== 200) return failure(answer?.status ?? null);
  const parsed = MeResponse.safeParse(answer.body);
  return parsed.success ? { ok: true, value: parsed.data.identity } : failure(null);
}

export async function fetchThread(
  baseUrl: string,
  sessionToken: string,
  threadId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<ChatServiceResult<Thread>> {
  const answer = await askJson(`${baseUrl}/v1/threads/${encodeURIComponent(threadId)}`, sessionToken, fetchImpl);
  if (!answer || answer.status !== 200) return failure(answer?.status ?? null);
  const parsed = ThreadResponse.safeParse(answer.body);
  return parsed.success ? { ok: true, value: parsed.data.thread } : failure(null);
}

/** The chat service's answer to a voice start: go ahead, or why not (its words, and the wait). */
export type VoiceStartResult =
  | { ok: true }
  | { ok: false; status: 403 | 429; code: 'VOICE_DISABLED' | 'RATE_LIMIT'; message: string; retryAfterS?: number }
  | Extract<ChatServiceResult<never>, { ok: false }>;

/**
 * Asks the chat service to count a voice start against the caller (one budget per person across
 * every web server and instance: each start dispatches a paid agent). Made with the caller's own
 * session, so only the thread's owner can spend it.
 */
export async function startVoice(baseUrl: string, sessionToken: string, threadId: string, fetchImpl: typeof fetch = fetch): Promise<VoiceStartResult> {
  const answer = await askJson(`${baseUrl}/v1/threads/${encodeURIComponent(threadId)}/voice-starts`, sessionToken, fetchImpl, 'POST');
  if (!answer) return failure(null);
  if (answer.status === 204) return { ok: true };
  const refusal = ApiError.safeParse(answer.body);
  if (refusal.success && answer.status === 429 && refusal.data.error.code === 'RATE_LIMIT') {
    return { ok: false, status: 429, code: 'RATE_LIMIT', message: refusal.data.error.message, retryAfterS: refusal.data.error.retry_after_s };
  }
  if (refusal.success && answer.status === 403 && refusal.data.error.code === 'VOICE_DISABLED') {
    return { ok: false, status: 403, code: 'VOICE_DISABLED', message: refusal.data.error.message };
  }
  return failure(answer.status);
}

/** Tells the chat service a voice session started or ended (internal API, agent-service token). */
export async function postVoiceSession(
  baseUrl: string,
  internalToken: string,
  threadId: string,
  body: VoiceSessionBody,
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: boolean; status: number | null }> {
  try {
    const response = await fetchImpl(`${baseUrl}/v1/internal/threads/${encodeURIComponent(threadId)}/voice-session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { ok: response.ok, status: response.status };
  } catch {
    return { ok: false, status: null };
  }
}
