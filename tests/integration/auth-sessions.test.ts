import { decodeJwt } from 'jose';
import { CloseCode, WS_TICKET_TTL_S } from '@confab/protocol';
import {
  createThread,
  createVisitor,
  expectApiError,
  listThreads,
  me,
  request,
  signIn,
  signOut,
  signUp,
  ticketFor,
} from '../support/api';
import { withChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';

let service: RunningChatService;

withChatService((started) => {
  service = started;
});

describe('sign up, sign in, sign out', () => {
  it('signs a user up and the session identifies them', async () => {
    const user = await signUp(service, { email: 'Grace@Example.test', display_name: 'Grace' });

    expect(user.identity).toMatchObject({ kind: 'user', display_name: 'Grace' });
    expect(user.response.merged_threads).toBe(0);
    const answer = await me(service, user.sessionToken);
    expect(answer.identity).toEqual(user.identity);
    // Emails are case-insensitive: stored lower-case.
    expect(answer.user).toMatchObject({ id: user.identity.id, email: 'grace@example.test', display_name: 'Grace' });
  });

  it('keeps user sessions about 30 days', async () => {
    const user = await signUp(service);
    const days = (Date.parse(user.response.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it('refuses a second account for the same email, whatever its case', async () => {
    const first = await signUp(service);
    const response = await request(service, 'POST', '/v1/auth/signup', {
      body: { email: first.email.toUpperCase(), password: 'another password', display_name: 'Copy' },
    });
    expectApiError(response, 409, 'CONFLICT');
  });

  it('signs in with the right password and gets a new, working session', async () => {
    const user = await signUp(service);
    const session = await signIn(service, { email: user.email, password: user.password });

    expect(session.session_token).not.toBe(user.sessionToken);
    expect(session.identity).toEqual(user.identity);
    expect((await me(service, session.session_token)).identity.id).toBe(user.identity.id);
  });

  it('answers a wrong password and an unknown email with the same words', async () => {
    const user = await signUp(service);
    const wrongPassword = expectApiError(
      await request(service, 'POST', '/v1/auth/signin', { body: { email: user.email, password: 'not the password' } }),
      401,
      'AUTH_FAILED',
    );
    const unknownEmail = expectApiError(
      await request(service, 'POST', '/v1/auth/signin', { body: { email: 'nobody@example.test', password: 'whatever1' } }),
      401,
      'AUTH_FAILED',
    );
    expect(wrongPassword.message).toBe(unknownEmail.message);
  });

  it('blocks sign-in for an email after repeated failures, even with the right password', async () => {
    const user = await signUp(service);
    for (let i = 0; i < 5; i++) {
      const response = await request(service, 'POST', '/v1/auth/signin', { body: { email: user.email, password: `guess-${i}-xx` } });
      expectApiError(response, 401, 'AUTH_FAILED');
    }
    const blocked = await request(service, 'POST', '/v1/auth/signin', { body: { email: user.email, password: user.password } });

    const error = expectApiError(blocked, 429, 'RATE_LIMIT');
    expect(error.retry_after_s).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBe(error.retry_after_s);
    // Another account is not affected by this one's attacker.
    const other = await signUp(service);
    await expect(signIn(service, { email: other.email, password: other.password })).resolves.toMatchObject({
      identity: other.identity,
    });
  });

  it('counts parallel guesses against the budget: a burst of 20 gets at most 5 password checks', async () => {
    const user = await signUp(service);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => request(service, 'POST', '/v1/auth/signin', { body: { email: user.email, password: `burst-${i}-xx` } })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
  });

  it('ends the session on sign out, and signing out twice is harmless', async () => {
    const user = await signUp(service);
    await signOut(service, user.sessionToken);

    expectApiError(await request(service, 'GET', '/v1/auth/me', { token: user.sessionToken }), 401, 'AUTH_FAILED');
    expectApiError(await request(service, 'POST', '/v1/tickets', { token: user.sessionToken }), 401, 'AUTH_FAILED');
    await expect(signOut(service, user.sessionToken)).resolves.toBeUndefined();
  });

  it('asks for credentials when none are sent and rejects made-up ones', async () => {
    expectApiError(await request(service, 'GET', '/v1/auth/me'), 401, 'AUTH_REQUIRED');
    expectApiError(await request(service, 'GET', '/v1/auth/me', { token: 'made-up-token' }), 401, 'AUTH_FAILED');
    expectApiError(await request(service, 'GET', '/v1/auth/me', { headers: { authorization: 'Basic abc' } }), 401, 'AUTH_FAILED');
  });
});

describe('visitors', () => {
  it('creates a visitor session that lasts about 180 days and has no user record', async () => {
    const visitor = await createVisitor(service);
    expect(visitor.identity.kind).toBe('visitor');
    expect(visitor.identity.display_name).not.toBe('');
    const response = await request(service, 'POST', '/v1/visitors');
    const days = (Date.parse(String((response.body as { expires_at: string }).expires_at)) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(179.9);

    const answer = await me(service, visitor.sessionToken);
    expect(answer).toEqual({ identity: visitor.identity, user: null });
  });

  it('moves a visitor’s threads into the new account on sign up and ends the visitor session', async () => {
    const visitor = await createVisitor(service);
    const first = await createThread(service, visitor.sessionToken, { title: 'Before I signed up' });
    const second = await createThread(service, visitor.sessionToken, { title: 'And another' });

    const user = await signUp(service, { visitor_session_token: visitor.sessionToken });

    expect(user.response.merged_threads).toBe(2);
    const threads = await listThreads(service, user.sessionToken);
    expect(threads.map((t) => t.id).sort()).toEqual([first.id, second.id].sort());
    expect(threads.every((t) => t.owner === 'user')).toBe(true);
    expectApiError(await request(service, 'GET', '/v1/auth/me', { token: visitor.sessionToken }), 401, 'AUTH_FAILED');
  });

  it('moves a visitor’s threads into an existing account on sign in', async () => {
    const user = await signUp(service);
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken);

    const session = await signIn(service, { email: user.email, password: user.password, visitor_session_token: visitor.sessionToken });

    expect(session.merged_threads).toBe(1);
    expect((await listThreads(service, session.session_token)).map((t) => t.id)).toEqual([thread.id]);
  });

  it('ignores a visitor token that is not a live visitor session', async () => {
    const other = await signUp(service);
    const user = await signUp(service, { visitor_session_token: other.sessionToken });
    expect(user.response.merged_threads).toBe(0);
    // The user session passed as "visitor" token was not touched.
    expect((await me(service, other.sessionToken)).identity).toEqual(other.identity);
  });
});

describe('WebSocket tickets', () => {
  it('issues a short-lived ticket for the session’s identity, for the WebSocket audience', async () => {
    const user = await signUp(service, { display_name: 'Tess' });
    const ticket = await ticketFor(service, user.sessionToken);

    expect(ticket.identity).toEqual(user.identity);
    const claims = decodeJwt(ticket.ticket);
    expect(claims).toMatchObject({ sub: user.identity.id, kind: 'user', name: 'Tess', aud: 'confab-ws' });
    expect(typeof claims.sid).toBe('string');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(WS_TICKET_TTL_S);
    expect(Date.parse(ticket.expires_at)).toBe((claims.exp ?? 0) * 1000);
  });

  it('a ticket opens the owner’s thread socket once, and stops working once its session signs out', async () => {
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken);
    const url = (ticket: string) => `${service.wsBase}conversation/${thread.id}/?session_user=${ticket}&app_type=test`;

    const first = (await ticketFor(service, visitor.sessionToken)).ticket;
    const live = await TestSocket.open(url(first));
    const connected = await live.next('connected');
    expect(connected.data.identity).toEqual(visitor.identity);
    live.close();
    // One socket per ticket: the same ticket again (say, read from a log) is refused.
    const replayed = await TestSocket.open(url(first));
    expect(await replayed.closed()).toBe(CloseCode.AUTH_FAILED);

    const stale = (await ticketFor(service, visitor.sessionToken)).ticket;
    const user = await signUp(service, { visitor_session_token: visitor.sessionToken });
    expect(user.response.merged_threads).toBe(1);
    const refused = await TestSocket.open(url(stale));
    expect(await refused.closed()).toBe(CloseCode.AUTH_FAILED);
  });

  it('closes a signed-out session’s open sockets at once (not at the next periodic check), and a merged visitor’s too', async () => {
    const post = (await request(service, 'GET', '/v1/posts')).body as { posts: Array<{ conversation_id: string }> };
    const openOn = async (conversationId: string, sessionToken: string) => {
      const { ticket } = await ticketFor(service, sessionToken);
      const socket = await TestSocket.open(`${service.wsBase}conversation/${conversationId}/?session_user=${ticket}&app_type=test`);
      await socket.next('connected');
      return socket;
    };
    const user = await signUp(service);
    const userSocket = await openOn(post.posts[0]!.conversation_id, user.sessionToken);
    const startedAt = Date.now();
    await signOut(service, user.sessionToken);
    expect((await userSocket.next('error', () => true, 2_000)).data.code).toBe('SESSION_EXPIRED');
    expect(await userSocket.closed()).toBe(CloseCode.SESSION_EXPIRED);
    // The periodic check runs once a minute: this was the announcement.
    expect(Date.now() - startedAt).toBeLessThan(2_000);

    // A visitor who signs up: their old session's socket on their thread (now the account's) closes.
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken);
    const visitorSocket = await openOn(thread.id, visitor.sessionToken);
    await signUp(service, { visitor_session_token: visitor.sessionToken });
    expect(await visitorSocket.closed()).toBe(CloseCode.SESSION_EXPIRED);
  });
});
