import type { ResponseCookie } from 'next/dist/compiled/@edge-runtime/cookies';
import { signIn, wsTicket } from './route-handlers';

/** A cookie jar standing in for next/headers' cookies() in a route handler. */
const mockJar = new Map<string, { value: string; options?: Partial<ResponseCookie> }>();

jest.mock('next/headers', () => ({
  cookies: async () => ({
    get: (name: string) => (mockJar.has(name) ? { name, value: mockJar.get(name)!.value } : undefined),
    set: (name: string, value: string, options?: Partial<ResponseCookie>) => {
      mockJar.set(name, { value, options });
    },
    delete: (name: string) => {
      mockJar.delete(name);
    },
  }),
  headers: async () => new Headers({ host: 'localhost:3000' }),
}));

const USER = { kind: 'user', id: '11111111-1111-4111-8111-111111111111', display_name: 'Grace' };
const VISITOR = { kind: 'visitor', id: '44444444-4444-4444-8444-444444444444', display_name: 'Guest' };
const EXPIRES = '2027-01-01T00:00:00.000Z';

/** The chat service as seen over HTTP: known sessions, visitors and tickets. */
const sessions = new Map<string, typeof USER>();
const requests: Array<{ method: string; path: string; auth: string | null; body: unknown }> = [];

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = new URL(String(input));
  const headers = (init?.headers ?? {}) as Record<string, string>;
  const auth = headers.authorization?.replace('Bearer ', '') ?? null;
  const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
  requests.push({ method: init?.method ?? 'GET', path: url.pathname, auth, body });
  const who = auth ? sessions.get(auth) : undefined;
  switch (url.pathname) {
    case '/v1/visitors':
      sessions.set('visitor-token', VISITOR);
      return json(201, { session_token: 'visitor-token', expires_at: EXPIRES, identity: VISITOR });
    case '/v1/auth/me':
      return who ? json(200, { identity: who, user: null }) : json(401, { error: { code: 'AUTH_FAILED', message: 'Unknown session.' } });
    case '/v1/tickets':
      return who
        ? json(200, { ticket: `ticket-for-${who.id}`, expires_at: EXPIRES, identity: who })
        : json(401, { error: { code: 'AUTH_FAILED', message: 'Unknown session.' } });
    case '/v1/auth/signin':
      sessions.set('user-token', USER);
      return json(200, { session_token: 'user-token', expires_at: EXPIRES, identity: USER, merged_threads: 2 });
    default:
      return json(404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
  }
}) as typeof fetch;

beforeEach(() => {
  mockJar.clear();
  sessions.clear();
  requests.length = 0;
});

describe('GET /api/ws-ticket', () => {
  it('creates a visitor for someone without a session and answers a session_user ticket', async () => {
    const response = await wsTicket();
    const body: unknown = await response.json();

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({ ticket: `ticket-for-${VISITOR.id}`, param: 'session_user', ws_base: expect.stringMatching(/^wss?:\/\//) });
    expect(JSON.stringify(body)).not.toContain('visitor-token');
    const cookie = mockJar.get('confab_visitor');
    expect(cookie?.value).toBe('visitor-token');
    expect(cookie?.options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
  });

  it('gives a signed-in user a token ticket without creating a visitor', async () => {
    sessions.set('user-token', USER);
    mockJar.set('confab_session', { value: 'user-token' });

    const body: unknown = await (await wsTicket()).json();

    expect(body).toMatchObject({ ticket: `ticket-for-${USER.id}`, param: 'token' });
    expect(requests.some((r) => r.path === '/v1/visitors')).toBe(false);
  });

  it('answers SESSION_EXPIRED and drops the cookie when the session is no longer valid', async () => {
    mockJar.set('confab_session', { value: 'expired-token' });

    const response = await wsTicket();

    expect(response.status).toBe(401);
    await expect(response.json()).resolves.toMatchObject({ error: { code: 'SESSION_EXPIRED' } });
    expect(mockJar.has('confab_session')).toBe(false);
  });
});

describe('POST /api/auth/signin', () => {
  it("hands the visitor's token to the chat service, then swaps the visitor cookie for the session cookie", async () => {
    mockJar.set('confab_visitor', { value: 'visitor-token' });
    const request = new Request('http://localhost:3000/api/auth/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'Grace@Example.com', password: 'long enough', visitor_session_token: 'someone-elses' }),
    });

    const response = await signIn(request);
    const body: unknown = await response.json();

    expect(response.status).toBe(200);
    expect(body).toEqual({ identity: USER, merged_threads: 2 });
    expect(requests.find((r) => r.path === '/v1/auth/signin')?.body).toEqual({
      email: 'grace@example.com',
      password: 'long enough',
      visitor_session_token: 'visitor-token',
    });
    expect(mockJar.get('confab_session')?.value).toBe('user-token');
    expect(mockJar.has('confab_visitor')).toBe(false);
  });

  it('refuses a malformed body before calling the chat service', async () => {
    const request = new Request('http://localhost:3000/api/auth/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'not-an-email', password: 'x' }),
    });

    const response = await signIn(request);

    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
    expect(requests).toHaveLength(0);
  });
});
