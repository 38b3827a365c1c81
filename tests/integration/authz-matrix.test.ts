import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, base64url, decodeJwt } from 'jose';
import { NextRequest } from 'next/server';
import { ApiError, CloseCode, RoomTokenResponse, WS_TICKET_TTL_S, type Thread } from '@confab/protocol';
import { SESSION_COOKIE, VISITOR_COOKIE } from '@confab/auth';
import { createThread, createVisitor, getPost, request, signUp, ticketFor } from '../support/api';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';

/**
 * Who may do what, as one table: principals × resources, on REST (the chat service's API), on the
 * WebSocket, and for the voice room token (the Next.js route handler called directly with cookies,
 * LiveKit env set to test values: it only signs a JWT, no LiveKit server involved). The chat
 * service is a real child process; forged tickets are real JWTs built here.
 */

type Outcome = 'allow' | 'AUTH_REQUIRED' | 'AUTH_FAILED' | 'NOT_FOUND' | 'FORBIDDEN' | 'n/a';

const CELLS = [
  'rest post read',
  'ws post read',
  'rest write (internal API)',
  'ws post write',
  // Reading the thread, its history and counting a voice start in it (POST …/voice-starts).
  'rest own thread',
  'ws own thread',
  'rest other thread',
  'ws other thread',
  'voice token own thread',
  'voice token other thread',
] as const;
type Cell = (typeof CELLS)[number];
type Row = Record<Cell, Outcome>;

const PRINCIPALS = ['anonymous', 'visitor A', 'visitor B', 'user', 'other user', 'expired ticket', 'forged: wrong key', 'forged: alg none', 'forged: tampered payload'] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

const VISITOR: Row = {
  'rest post read': 'allow',
  'ws post read': 'allow',
  'rest write (internal API)': 'AUTH_FAILED',
  'ws post write': 'FORBIDDEN',
  'rest own thread': 'allow',
  'ws own thread': 'allow',
  'rest other thread': 'NOT_FOUND',
  'ws other thread': 'NOT_FOUND',
  'voice token own thread': 'allow',
  'voice token other thread': 'NOT_FOUND',
};
const USER: Row = { ...VISITOR, 'ws post write': 'allow' };
/** A ticket is not a session: refused on REST; on the socket a sent-but-bad ticket is AUTH_FAILED, even for a public post. */
const BAD_TICKET: Row = {
  'rest post read': 'AUTH_FAILED',
  'ws post read': 'AUTH_FAILED',
  'rest write (internal API)': 'AUTH_FAILED',
  'ws post write': 'AUTH_FAILED',
  'rest own thread': 'AUTH_FAILED',
  'ws own thread': 'AUTH_FAILED',
  'rest other thread': 'AUTH_FAILED',
  'ws other thread': 'AUTH_FAILED',
  'voice token own thread': 'AUTH_REQUIRED',
  'voice token other thread': 'AUTH_REQUIRED',
};

const EXPECTED: Record<PrincipalName, Row> = {
  anonymous: {
    'rest post read': 'allow',
    'ws post read': 'allow',
    'rest write (internal API)': 'AUTH_REQUIRED',
    'ws post write': 'FORBIDDEN',
    // Without a session there is no own thread: starting one is refused.
    'rest own thread': 'AUTH_REQUIRED',
    'ws own thread': 'n/a',
    'rest other thread': 'NOT_FOUND',
    'ws other thread': 'NOT_FOUND',
    'voice token own thread': 'AUTH_REQUIRED',
    'voice token other thread': 'AUTH_REQUIRED',
  },
  'visitor A': VISITOR,
  'visitor B': VISITOR,
  user: USER,
  'other user': USER,
  'expired ticket': BAD_TICKET,
  'forged: wrong key': BAD_TICKET,
  'forged: alg none': BAD_TICKET,
  'forged: tampered payload': BAD_TICKET,
};

const VOICE_POST = 'voice-demo';

interface Principal {
  /** Session token (REST bearer, cookie), or the bad ticket for ticket principals. */
  credential: string | null;
  cookie: typeof SESSION_COOKIE | typeof VISITOR_COOKIE;
  /** What opens a socket: a real ticket minted per connection, or a fixed bad one. */
  ticket: (() => Promise<string>) | null;
  ticketParam: 'token' | 'session_user';
  ownThread: Thread | null;
  otherThread: Thread;
}

let service: RunningChatService;
let postConversationId: string;
const principals = new Map<PrincipalName, Principal>();

beforeAll(async () => {
  service = await startChatService();
  postConversationId = (await getPost(service, VOICE_POST)).conversation_id;
  const [visitorA, visitorB] = await Promise.all([createVisitor(service), createVisitor(service)]);
  const [user, otherUser] = await Promise.all([signUp(service, { display_name: 'User' }), signUp(service, { display_name: 'Other' })]);
  const thread = (token: string) => createThread(service, token, { slug: VOICE_POST });
  const [threadA, threadB, threadU, threadO] = await Promise.all([thread(visitorA.sessionToken), thread(visitorB.sessionToken), thread(user.sessionToken), thread(otherUser.sessionToken)]);
  const mint = (token: string) => async () => (await ticketFor(service, token)).ticket;

  principals.set('anonymous', { credential: null, cookie: SESSION_COOKIE, ticket: null, ticketParam: 'token', ownThread: null, otherThread: threadA });
  principals.set('visitor A', { credential: visitorA.sessionToken, cookie: VISITOR_COOKIE, ticket: mint(visitorA.sessionToken), ticketParam: 'session_user', ownThread: threadA, otherThread: threadB });
  principals.set('visitor B', { credential: visitorB.sessionToken, cookie: VISITOR_COOKIE, ticket: mint(visitorB.sessionToken), ticketParam: 'session_user', ownThread: threadB, otherThread: threadA });
  principals.set('user', { credential: user.sessionToken, cookie: SESSION_COOKIE, ticket: mint(user.sessionToken), ticketParam: 'token', ownThread: threadU, otherThread: threadO });
  principals.set('other user', { credential: otherUser.sessionToken, cookie: SESSION_COOKIE, ticket: mint(otherUser.sessionToken), ticketParam: 'token', ownThread: threadO, otherThread: threadU });

  // Bad tickets all claim to be `user`, whose own thread they aim at.
  const genuine = (await ticketFor(service, user.sessionToken)).ticket;
  const claims = decodeJwt(genuine);
  const sign = (key: Uint8Array, times: { iat: number; exp: number }) =>
    new SignJWT({ kind: claims.kind, sid: claims.sid, name: claims.name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(claims.sub))
      .setAudience('confab-ws')
      .setIssuer(String(claims.iss))
      .setIssuedAt(times.iat)
      .setExpirationTime(times.exp)
      .sign(key);
  const now = Math.floor(Date.now() / 1000);
  const secret = new TextEncoder().encode(service.env.TICKET_SECRET);
  const expired = await sign(secret, { iat: now - 2 * WS_TICKET_TTL_S, exp: now - WS_TICKET_TTL_S });
  const wrongKey = await sign(randomBytes(32), { iat: now, exp: now + WS_TICKET_TTL_S });
  const [, payload] = genuine.split('.');
  const algNone = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
  // visitor B's genuine ticket with its payload swapped for the user's: signature no longer matches.
  const [headerB, , signatureB] = (await ticketFor(service, visitorB.sessionToken)).ticket.split('.');
  const tampered = `${headerB}.${payload}.${signatureB}`;
  const bad = (ticket: string): Principal => ({
    credential: ticket,
    cookie: SESSION_COOKIE,
    ticket: async () => ticket,
    ticketParam: 'token',
    ownThread: threadU,
    otherThread: threadA,
  });
  principals.set('expired ticket', bad(expired));
  principals.set('forged: wrong key', bad(wrongKey));
  principals.set('forged: alg none', bad(algNone));
  principals.set('forged: tampered payload', bad(tampered));

  Object.assign(process.env, {
    LIVEKIT_URL: 'http://127.0.0.1:7880',
    LIVEKIT_API_KEY: 'devkey-authz-test',
    LIVEKIT_API_SECRET: randomBytes(32).toString('base64url'),
    LIVEKIT_AGENT_NAME: 'confab-voice-agent-authz-test',
    CHAT_SERVICE_URL: service.httpUrl,
    CHAT_SERVICE_INTERNAL_TOKEN: service.env.CHAT_SERVICE_INTERNAL_TOKEN,
    LOG_LEVEL: 'silent',
  });
}, 90_000);

afterAll(async () => {
  await service?.stop();
});

function outcomeOf(status: number, body: unknown): Outcome {
  if (status >= 200 && status < 300) return 'allow';
  const parsed = ApiError.safeParse(body);
  if (!parsed.success) throw new Error(`untyped error ${status}: ${JSON.stringify(body)}`);
  const code = parsed.data.error.code;
  if (code === 'AUTH_REQUIRED' || code === 'AUTH_FAILED' || code === 'NOT_FOUND' || code === 'FORBIDDEN') return code;
  throw new Error(`unexpected ${status} ${code}`);
}

async function restRead(who: Principal, conversationId: string): Promise<Outcome> {
  const response = await request(service, 'GET', `/v1/conversations/${conversationId}/messages`, { token: who.credential ?? undefined });
  return outcomeOf(response.status, response.body);
}

async function restOwnThread(who: Principal): Promise<Outcome> {
  if (who.ownThread === null) {
    const response = await request(service, 'POST', `/v1/posts/${VOICE_POST}/threads`, { body: {} });
    return outcomeOf(response.status, response.body);
  }
  const [thread, history] = await Promise.all([
    request(service, 'GET', `/v1/threads/${who.ownThread.id}`, { token: who.credential ?? undefined }),
    restRead(who, who.ownThread.conversation_id),
  ]);
  const threadOutcome = outcomeOf(thread.status, thread.body);
  if (threadOutcome !== history) throw new Error(`thread ${threadOutcome} but its history ${history}`);
  return sameForVoiceStart(who, who.ownThread, history);
}

/** Counting a voice start in a thread (what the room token route asks first) is allowed exactly where the thread is. */
async function sameForVoiceStart(who: Principal, thread: Thread, expected: Outcome): Promise<Outcome> {
  const start = await request(service, 'POST', `/v1/threads/${thread.id}/voice-starts`, { token: who.credential ?? undefined });
  const startOutcome = outcomeOf(start.status, start.body);
  if (startOutcome !== expected) throw new Error(`thread ${expected} but its voice start ${startOutcome}`);
  return expected;
}

async function restOtherThread(who: Principal): Promise<Outcome> {
  const history = await restRead(who, who.otherThread.conversation_id);
  if (who.credential === null) return history;
  const thread = await request(service, 'GET', `/v1/threads/${who.otherThread.id}`, { token: who.credential });
  const threadOutcome = outcomeOf(thread.status, thread.body);
  if (threadOutcome !== history) throw new Error(`thread ${threadOutcome} but its history ${history}`);
  return sameForVoiceStart(who, who.otherThread, history);
}

async function restWrite(who: Principal): Promise<Outcome> {
  const thread = who.ownThread ?? who.otherThread;
  const response = await request(service, 'POST', `/v1/internal/threads/${thread.id}/messages`, {
    token: who.credential ?? undefined,
    body: { role: 'user', content: 'let me in', source: 'voice', client_message_id: `authz-${randomUUID()}` },
  });
  return outcomeOf(response.status, response.body);
}

/** Opens the conversation's socket as `who`; when `write`, sends a message once connected. */
async function wsOutcome(who: Principal, conversationId: string, write: boolean): Promise<Outcome> {
  let url = `${service.wsBase}conversation/${conversationId}/`;
  if (who.ticket) url += `?${who.ticketParam}=${encodeURIComponent(await who.ticket())}`;
  const socket = await TestSocket.open(url);
  try {
    const first = await Promise.race([socket.next('connected').then(() => 'connected' as const), socket.next('error').then(() => 'error' as const)]);
    const refused = socket.all('error')[0];
    if (first === 'error' && refused) {
      const closeCode = await socket.closed();
      const expectedClose = { AUTH_FAILED: CloseCode.AUTH_FAILED, NOT_FOUND: CloseCode.NOT_FOUND } as const;
      const code = refused.data.code;
      if (code !== 'AUTH_FAILED' && code !== 'NOT_FOUND') throw new Error(`unexpected refusal ${code}`);
      if (closeCode !== expectedClose[code]) throw new Error(`${code} closed with ${closeCode}`);
      return code;
    }
    if (!write) return 'allow';
    const clientMessageId = `authz-${randomUUID()}`;
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'hello', client_message_id: clientMessageId } });
    const answer = await Promise.race([
      socket.next('ack', (f) => f.data.client_message_id === clientMessageId).then(() => 'allow' as const),
      socket.next('error', (f) => f.data.client_message_id === clientMessageId).then((f) => f.data.code),
    ]);
    if (answer !== 'allow' && answer !== 'FORBIDDEN') throw new Error(`unexpected write answer ${answer}`);
    // A refused write is the client's fault: the socket stays open.
    if (answer === 'FORBIDDEN') expect(socket.closeCode).toBeNull();
    return answer;
  } finally {
    if (socket.closeCode === null) socket.close();
  }
}

async function voiceToken(who: Principal, thread: Thread | null): Promise<Outcome> {
  const { POST } = await import('@/app/api/voice/[slug]/room-token/route');
  const threadId = (thread ?? who.otherThread).id;
  const headers: Record<string, string> = who.credential ? { cookie: `${who.cookie}=${who.credential}` } : {};
  const response = await POST(new NextRequest(`http://localhost:3000/api/voice/${VOICE_POST}/room-token?thread=${threadId}`, { method: 'POST', headers }), {
    params: Promise.resolve({ slug: VOICE_POST }),
  });
  const body: unknown = await response.json();
  const outcome = outcomeOf(response.status, body);
  if (outcome === 'allow') RoomTokenResponse.parse(body);
  return outcome;
}

describe('authorization matrix (REST, WebSocket, voice room token route)', () => {
  it.each(PRINCIPALS)('%s', async (name) => {
    const who = principals.get(name)!;
    const own = who.ownThread;
    const actual: Row = {
      'rest post read': await restRead(who, postConversationId),
      'ws post read': await wsOutcome(who, postConversationId, false),
      'rest write (internal API)': await restWrite(who),
      'ws post write': await wsOutcome(who, postConversationId, true),
      'rest own thread': await restOwnThread(who),
      'ws own thread': own ? await wsOutcome(who, own.conversation_id, true) : 'n/a',
      'rest other thread': await restOtherThread(who),
      'ws other thread': await wsOutcome(who, who.otherThread.conversation_id, true),
      'voice token own thread': await voiceToken(who, own),
      'voice token other thread': await voiceToken(who, who.otherThread),
    };
    expect(actual).toEqual(EXPECTED[name]);
  }, 60_000);

  it('covers every cell', () => {
    const cells = PRINCIPALS.length * CELLS.length;
    const allowed = PRINCIPALS.flatMap((p) => CELLS.filter((c) => EXPECTED[p][c] === 'allow')).length;
    const notApplicable = PRINCIPALS.flatMap((p) => CELLS.filter((c) => EXPECTED[p][c] === 'n/a')).length;
    process.stdout.write(
      `reliability: authorization matrix: ${PRINCIPALS.length} principals x ${CELLS.length} cells = ${cells} (${allowed} allow, ${cells - allowed - notApplicable} deny, ${notApplicable} n/a)\n`,
    );
    expect(Object.keys(EXPECTED)).toEqual([...PRINCIPALS]);
  });
});
