import { fetchRoomToken, roomTokenUrl, VOICE_MESSAGES } from './token-client';

/** The browser's fetch is replaced by a stub answering like our token route would. */
function answering(status: number, body: unknown): { fetchImpl: typeof fetch; calls: Array<[string, RequestInit | undefined]> } {
  const calls: Array<[string, RequestInit | undefined]> = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push([String(input), init]);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchImpl, calls };
}

const target = { postSlug: 'voice demo', threadId: '5b0c7a52-8a4f-4c55-9a57-6c7f0f3f1a11' };

describe('fetchRoomToken', () => {
  it('POSTs to the token route and returns the parsed token', async () => {
    const token = { serverUrl: 'wss://lk', roomName: 'r', participantName: 'Sam', participantToken: 'jwt' };
    const { fetchImpl, calls } = answering(200, token);
    expect(await fetchRoomToken(target, undefined, fetchImpl)).toEqual({ ok: true, token });
    expect(calls[0]?.[0]).toBe(roomTokenUrl(target));
    expect(calls[0]?.[0]).toBe('/api/voice/voice%20demo/room-token?thread=5b0c7a52-8a4f-4c55-9a57-6c7f0f3f1a11');
    expect(calls[0]?.[1]?.method).toBe('POST');
  });

  it.each([
    [503, { error: { code: 'VOICE_NOT_CONFIGURED', message: 'x' } }, 'not-configured', VOICE_MESSAGES.notConfigured],
    [403, { error: { code: 'VOICE_DISABLED', message: 'x' } }, 'forbidden', VOICE_MESSAGES.voiceOff],
    [401, { error: { code: 'AUTH_REQUIRED', message: 'x' } }, 'unauthorized', VOICE_MESSAGES.unauthorized],
    [404, { error: { code: 'NOT_FOUND', message: 'x' } }, 'not-found', VOICE_MESSAGES.notFound],
    [502, null, 'network', VOICE_MESSAGES.network],
    [429, { error: { code: 'RATE_LIMIT', message: 'Voice was started too often. Try again in 40 s.', retry_after_s: 40 } }, 'network', 'Voice was started too often. Try again in 40 s.'],
  ])('maps %i to a failure the panel can put into words', async (status, body, kind, message) => {
    const { fetchImpl } = answering(status, body);
    expect(await fetchRoomToken(target, undefined, fetchImpl)).toEqual({ ok: false, failure: { kind, message } });
  });

  it('treats a malformed success answer and a network error as network failures', async () => {
    expect((await fetchRoomToken(target, undefined, answering(200, { token: 'x' }).fetchImpl)).ok).toBe(false);
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await fetchRoomToken(target, undefined, offline)).toEqual({ ok: false, failure: { kind: 'network', message: VOICE_MESSAGES.network } });
  });
});
