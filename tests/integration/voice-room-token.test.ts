import { createHash, randomBytes } from 'node:crypto';
import { ApiError, RoomTokenResponse } from '@confab/protocol';
import { handleLiveKitWebhook, handleRoomTokenRequest, ROOM_TOKEN_TTL_SECONDS, type EnvVars } from '@confab/livekit/server';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { NextRequest } from 'next/server';
import { createThread, createVisitor, request, signUp } from '../support/api';
import { startChatService, withChatService, type RunningChatService } from '../support/chat-service';

/**
 * The room token route and the LiveKit webhook against the real chat service (child process,
 * in-memory PGlite). Tokens are real JWTs, decoded with livekit-server-sdk's TokenVerifier.
 * No LiveKit server is needed: minting and verifying are local.
 */

const API_KEY = 'devkey-voice-test';
const API_SECRET = randomBytes(32).toString('base64url');
let service: RunningChatService;
let env: EnvVars;

withChatService(async (started) => {
  service = started;
  env = {
    LIVEKIT_URL: 'http://127.0.0.1:7880',
    LIVEKIT_API_KEY: API_KEY,
    LIVEKIT_API_SECRET: API_SECRET,
    LIVEKIT_AGENT_NAME: 'confab-voice-agent-test',
    CHAT_SERVICE_URL: service.httpUrl,
    CHAT_SERVICE_INTERNAL_TOKEN: service.env.CHAT_SERVICE_INTERNAL_TOKEN,
    LOG_LEVEL: 'silent',
  };
});

/** A fresh copy of the route's module, as a second web server process would load it. */
async function loadRouteModule(): Promise<typeof import('@confab/livekit/server')> {
  let loaded: typeof import('@confab/livekit/server') | undefined;
  await jest.isolateModulesAsync(async () => {
    loaded = await import('@confab/livekit/server');
  });
  if (!loaded) throw new Error('the route module did not load');
  return loaded;
}

async function answer(response: Response) {
  return { status: response.status, cache: response.headers.get('cache-control'), body: (await response.json()) as unknown };
}

function errorCode(body: unknown): string {
  return ApiError.parse(body).error.code;
}

async function mint(postSlug: string, threadId: string | null, sessionTokens: Array<string | undefined>, overrides: EnvVars = {}) {
  return answer(await handleRoomTokenRequest({ postSlug, threadId, sessionTokens, env: { ...env, ...overrides } }));
}

describe('POST /api/voice/:slug/room-token', () => {
  it("gives the thread's owner a least-privilege token for one fresh room that dispatches the agent", async () => {
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken, { slug: 'voice-demo' });

    const first = await mint('voice-demo', thread.id, [undefined, visitor.sessionToken]);
    expect(first.status).toBe(200);
    expect(first.cache).toBe('no-store');
    const token = RoomTokenResponse.parse(first.body);
    expect(token.serverUrl).toBe('ws://127.0.0.1:7880');
    expect(token.roomName).toMatch(new RegExp(`^thread-${thread.id}-[A-Za-z0-9_-]{8,}$`));
    expect(token.participantName).toBe(visitor.identity.display_name);

    const claims = await new TokenVerifier(API_KEY, API_SECRET).verify(token.participantToken);
    expect(claims.sub).toBe(visitor.identity.id);
    expect(claims.name).toBe(visitor.identity.display_name);
    expect(claims.video).toEqual({
      room: token.roomName,
      roomJoin: true,
      roomCreate: false,
      roomList: false,
      roomAdmin: false,
      canSubscribe: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canPublishData: false,
      canUpdateOwnMetadata: false,
    });
    expect(claims.metadata ?? '').toBe('');
    const ttl = (claims.exp ?? 0) - (claims.nbf ?? claims.iat ?? 0);
    expect(ttl).toBe(ROOM_TOKEN_TTL_SECONDS);
    expect(ttl).toBeGreaterThanOrEqual(600);
    expect(ttl).toBeLessThanOrEqual(900);

    const roomConfig = claims.roomConfig;
    expect(roomConfig?.name).toBe(token.roomName);
    expect(roomConfig?.agents).toHaveLength(1);
    expect(roomConfig?.agents[0]?.agentName).toBe('confab-voice-agent-test');
    expect(JSON.parse(roomConfig?.agents[0]?.metadata ?? 'null')).toEqual({ threadId: thread.id, postSlug: 'voice-demo' });

    const second = RoomTokenResponse.parse((await mint('voice-demo', thread.id, [visitor.sessionToken])).body);
    expect(second.roomName).not.toBe(token.roomName);
  });

  it('works for a signed-in user through the real route handler and its cookies', async () => {
    const user = await signUp(service);
    const thread = await createThread(service, user.sessionToken, { slug: 'voice-demo' });
    Object.assign(process.env, env);
    const { POST } = await import('@/app/api/voice/[slug]/room-token/route');
    const request = new NextRequest(`http://localhost:3000/api/voice/voice-demo/room-token?thread=${thread.id}`, {
      method: 'POST',
      headers: { cookie: `confab_session=${user.sessionToken}` },
    });
    const response = await answer(await POST(request, { params: Promise.resolve({ slug: 'voice-demo' }) }));
    expect(response.status).toBe(200);
    const claims = await new TokenVerifier(API_KEY, API_SECRET).verify(RoomTokenResponse.parse(response.body).participantToken);
    expect(claims.sub).toBe(user.identity.id);
  });

  it("answers 404 for another visitor's thread and for a thread under another post", async () => {
    const owner = await createVisitor(service);
    const stranger = await createVisitor(service);
    const thread = await createThread(service, owner.sessionToken, { slug: 'voice-demo' });

    const other = await mint('voice-demo', thread.id, [stranger.sessionToken]);
    expect(other.status).toBe(404);
    expect(errorCode(other.body)).toBe('NOT_FOUND');
    expect(other.cache).toBe('no-store');

    const wrongPost = await mint('travel-planner', thread.id, [owner.sessionToken]);
    expect(wrongPost.status).toBe(404);
  });

  it('answers 429 RATE_LIMIT to someone starting voice over and over (each room starts a paid agent), counted once across web servers; others go on', async () => {
    const limited = await startChatService({ env: { VOICE_ROOM_TOKENS_PER_10_MIN: '3' } });
    try {
      const at: EnvVars = { ...env, CHAT_SERVICE_URL: limited.httpUrl, CHAT_SERVICE_INTERNAL_TOKEN: limited.env.CHAT_SERVICE_INTERNAL_TOKEN };
      // Two web servers: each its own copy of the route's module, with memory of its own.
      const servers = [await loadRouteModule(), await loadRouteModule()];
      const mintOn = async (server: number, threadId: string, sessionToken: string, postSlug = 'voice-demo') =>
        answer(await servers[server]!.handleRoomTokenRequest({ postSlug, threadId, sessionTokens: [sessionToken], env: at }));
      const visitor = await createVisitor(limited);
      const thread = await createThread(limited, visitor.sessionToken, { slug: 'voice-demo' });
      // Refused for another reason (the thread is under another post): nothing is counted.
      for (const server of [0, 1, 0, 1]) expect((await mintOn(server, thread.id, visitor.sessionToken, 'socratic-tutor')).status).toBe(404);
      for (const server of [0, 1, 0]) expect((await mintOn(server, thread.id, visitor.sessionToken)).status).toBe(200);
      // The second web server has minted only one: it still refuses the fourth.
      const refused = await mintOn(1, thread.id, visitor.sessionToken);
      expect(refused.status).toBe(429);
      expect(ApiError.parse(refused.body).error).toMatchObject({ code: 'RATE_LIMIT', message: expect.stringMatching(/^Voice was started too often\. Try again in \d+ s\.$/) });
      expect(ApiError.parse(refused.body).error.retry_after_s).toBeGreaterThan(0);

      const other = await createVisitor(limited);
      const theirs = await createThread(limited, other.sessionToken, { slug: 'voice-demo' });
      expect((await mintOn(1, theirs.id, other.sessionToken)).status).toBe(200);
    } finally {
      await limited.stop();
    }
  }, 60_000);

  it("the chat service counts a voice start only in the caller's own thread with voice on: a stranger's thread is 404 whatever its post", async () => {
    const [owner, stranger] = await Promise.all([createVisitor(service), createVisitor(service)]);
    const [voiceOn, voiceOff] = await Promise.all([
      createThread(service, owner.sessionToken, { slug: 'voice-demo' }),
      createThread(service, owner.sessionToken, { slug: 'socratic-tutor' }),
    ]);
    const start = (threadId: string, token?: string) => request(service, 'POST', `/v1/threads/${threadId}/voice-starts`, { token });
    // Not confirming that a thread exists comes before saying its agent has no voice.
    for (const thread of [voiceOn, voiceOff]) {
      const theirs = await start(thread.id, stranger.sessionToken);
      expect([theirs.status, errorCode(theirs.body)]).toEqual([404, 'NOT_FOUND']);
    }
    expect((await start(voiceOn.id)).status).toBe(401);
    const off = await start(voiceOff.id, owner.sessionToken);
    expect([off.status, errorCode(off.body)]).toEqual([403, 'VOICE_DISABLED']);
    expect((await start(voiceOn.id, owner.sessionToken)).status).toBe(204);
  });

  it('answers 403 VOICE_DISABLED when the post has voice off', async () => {
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken, { slug: 'socratic-tutor' });
    expect(thread.voice_enabled).toBe(false);
    const response = await mint('socratic-tutor', thread.id, [visitor.sessionToken]);
    expect(response.status).toBe(403);
    expect(errorCode(response.body)).toBe('VOICE_DISABLED');
  });

  it('answers 401 without a session or with an unknown one, and falls back from a stale session to the visitor cookie', async () => {
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken, { slug: 'voice-demo' });
    const none = await mint('voice-demo', thread.id, [undefined, undefined]);
    expect(none.status).toBe(401);
    expect(errorCode(none.body)).toBe('AUTH_REQUIRED');
    expect((await mint('voice-demo', thread.id, ['not-a-session'])).status).toBe(401);
    expect((await mint('voice-demo', thread.id, ['not-a-session', visitor.sessionToken])).status).toBe(200);
  });

  it('answers 503 VOICE_NOT_CONFIGURED without LiveKit env, before looking at the caller', async () => {
    for (const missing of ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET']) {
      const response = await mint('voice-demo', null, [], { [missing]: '' });
      expect(response.status).toBe(503);
      expect(errorCode(response.body)).toBe('VOICE_NOT_CONFIGURED');
    }
  });

  it('answers 400 when the thread parameter is not a thread id', async () => {
    const visitor = await createVisitor(service);
    expect((await mint('voice-demo', 'nope', [visitor.sessionToken])).status).toBe(400);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

async function signedWebhook(body: object, secret = API_SECRET) {
  const text = JSON.stringify(body);
  const token = new AccessToken(API_KEY, secret);
  token.sha256 = createHash('sha256').update(text).digest('base64');
  return { body: text, authorization: await token.toJwt() };
}

describe('POST /api/livekit/webhook', () => {
  it('ends the thread voice session on room_finished (verified signature)', async () => {
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken, { slug: 'voice-demo' });
    const roomName = `thread-${thread.id}-abcdefghij`;
    const signed = await signedWebhook({ event: 'room_finished', id: 'EV_1', createdAt: '1', room: { sid: 'RM_1', name: roomName } });
    const response = await answer(await handleLiveKitWebhook({ ...signed, env }));
    expect(response).toMatchObject({ status: 200, body: { ok: true, handled: true } });
    // The chat service logs the state change once stored; the log line is read from its stdout.
    await waitFor(() => service.logs.some((l) => l.msg === 'voice session' && l.state === 'ended' && l.room === roomName));
    expect(service.logs.some((l) => l.msg === 'voice session' && l.state === 'ended' && l.room === roomName)).toBe(true);
  });

  it('rejects a forged signature and ignores events that are not ours', async () => {
    const forged = await signedWebhook({ event: 'room_finished', room: { name: 'thread-x' } }, randomBytes(32).toString('base64url'));
    expect((await handleLiveKitWebhook({ ...forged, env })).status).toBe(401);
    expect((await handleLiveKitWebhook({ body: forged.body, authorization: null, env })).status).toBe(401);

    const started = await signedWebhook({ event: 'room_started', room: { name: 'thread-whatever' } });
    expect(await answer(await handleLiveKitWebhook({ ...started, env }))).toMatchObject({ status: 200, body: { handled: false } });
    const foreign = await signedWebhook({ event: 'room_finished', room: { name: 'someone-elses-room' } });
    expect(await answer(await handleLiveKitWebhook({ ...foreign, env }))).toMatchObject({ status: 200, body: { handled: false } });
  });
});
