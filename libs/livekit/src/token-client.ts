import type { RoomTokenResponse } from '@confab/protocol';

/** Why a voice session could not start, in a form the panel can put into words. */
export type VoiceFailureKind =
  | 'not-configured'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'network'
  | 'connect-failed'
  | 'disconnected';

export interface VoiceFailure {
  kind: VoiceFailureKind;
  message: string;
}

export interface VoiceTarget {
  postSlug: string;
  threadId: string;
}

export type TokenResult = { ok: true; token: RoomTokenResponse } | { ok: false; failure: VoiceFailure };

/** The words people see. Kept here so the panel, the tests and the browser checks agree. */
export const VOICE_MESSAGES = {
  notConfigured: 'Voice is not set up on this server',
  voiceOff: 'Voice is off for this agent',
  unauthorized: 'Your session has ended. Sign in again to use voice.',
  notFound: 'This thread was not found.',
  network: 'Could not reach the server to start voice. Check your connection and try again.',
  connectFailed: 'Could not connect to the voice server. Try again in a moment.',
} as const;

export function roomTokenUrl(target: VoiceTarget): string {
  return `/api/voice/${encodeURIComponent(target.postSlug)}/room-token?thread=${encodeURIComponent(target.threadId)}`;
}

/** Maps a non-2xx answer of the token route to a failure; the status decides, the body only adds detail. */
export function failureForStatus(status: number): VoiceFailure {
  if (status === 503) return { kind: 'not-configured', message: VOICE_MESSAGES.notConfigured };
  if (status === 401) return { kind: 'unauthorized', message: VOICE_MESSAGES.unauthorized };
  if (status === 403) return { kind: 'forbidden', message: VOICE_MESSAGES.voiceOff };
  if (status === 404) return { kind: 'not-found', message: VOICE_MESSAGES.notFound };
  return { kind: 'network', message: VOICE_MESSAGES.network };
}

/**
 * Asks our Next.js route for a room token. POST (not GET) so that a link or a prefetch
 * can never mint a token, and so SameSite=Lax cookies are not sent from other sites.
 */
export async function fetchRoomToken(
  target: VoiceTarget,
  signal?: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<TokenResult> {
  // The schemas load while the request is on its way.
  const loadingSchemas = import('./token-answers');
  loadingSchemas.catch(() => undefined);
  let response: Response;
  let schemas: Awaited<typeof loadingSchemas>;
  try {
    response = await fetchImpl(roomTokenUrl(target), {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json' },
      signal,
    });
    schemas = await loadingSchemas;
  } catch (error) {
    if (signal?.aborted) throw error;
    return { ok: false, failure: { kind: 'network', message: VOICE_MESSAGES.network } };
  }
  const body: unknown = await response.json().catch(() => null);
  const { ApiError, RoomTokenResponse } = schemas;
  if (!response.ok) {
    const failure = failureForStatus(response.status);
    const apiError = ApiError.safeParse(body);
    // VOICE_DISABLED and VOICE_NOT_CONFIGURED are authoritative even if a proxy changed the status.
    if (apiError.success && apiError.data.error.code === 'VOICE_NOT_CONFIGURED') return { ok: false, failure: failureForStatus(503) };
    if (apiError.success && apiError.data.error.code === 'VOICE_DISABLED') return { ok: false, failure: failureForStatus(403) };
    // Started too often: the route's words say how long to wait; trying again later works.
    if (apiError.success && apiError.data.error.code === 'RATE_LIMIT') return { ok: false, failure: { kind: 'network', message: apiError.data.error.message } };
    return { ok: false, failure };
  }
  const parsed = RoomTokenResponse.safeParse(body);
  if (!parsed.success) return { ok: false, failure: { kind: 'network', message: VOICE_MESSAGES.network } };
  return { ok: true, token: parsed.data };
}
