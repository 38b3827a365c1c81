import { ChatServiceClient } from './chat-service-client';
import { ChatServiceError } from './errors';

type FetchArgs = Parameters<typeof fetch>;

function fakeFetch(status: number, body: unknown) {
  const calls: FetchArgs[] = [];
  const impl = jest.fn(async (...args: FetchArgs) => {
    calls.push(args);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  });
  return { impl: impl as unknown as typeof fetch, calls };
}

const identity = { kind: 'visitor', id: '44444444-4444-4444-8444-444444444444', display_name: 'Guest' };

describe('ChatServiceClient', () => {
  it('sends the session as a bearer token and parses the answer with its schema', async () => {
    const { impl, calls } = fakeFetch(200, { ticket: 't', expires_at: '2026-11-28T12:00:00.000Z', identity });
    const client = new ChatServiceClient('http://chat.test', impl);

    await expect(client.createTicket('secret-session')).resolves.toEqual({
      ticket: 't',
      expires_at: '2026-11-28T12:00:00.000Z',
      identity,
    });
    const [url, init] = calls[0]!;
    expect(String(url)).toBe('http://chat.test/v1/tickets');
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>).authorization).toBe('Bearer secret-session');
    expect(init?.cache).toBe('no-store');
  });

  it("names the person's address next to the internal token on sign-in, and only when it has the token", async () => {
    const session = { session_token: 's', expires_at: '2026-11-28T12:00:00.000Z', identity };
    const withToken = fakeFetch(200, session);
    await new ChatServiceClient('http://chat.test', withToken.impl, 'internal-token-0123456789').signIn({ email: 'a@b.test', password: 'pw-123456' }, '203.0.113.7');
    const sent = withToken.calls[0]![1]?.headers as Record<string, string>;
    expect(sent['x-confab-internal-token']).toBe('internal-token-0123456789');
    expect(sent['x-confab-client-address']).toBe('203.0.113.7');

    const withoutToken = fakeFetch(200, session);
    await new ChatServiceClient('http://chat.test', withoutToken.impl).signIn({ email: 'a@b.test', password: 'pw-123456' }, '203.0.113.7');
    const plain = withoutToken.calls[0]![1]?.headers as Record<string, string>;
    expect(plain['x-confab-internal-token']).toBeUndefined();
    expect(plain['x-confab-client-address']).toBeUndefined();

    // Other calls never carry the internal token.
    const ticket = fakeFetch(200, { ticket: 't', expires_at: '2026-11-28T12:00:00.000Z', identity });
    await new ChatServiceClient('http://chat.test', ticket.impl, 'internal-token-0123456789').createTicket('secret-session');
    expect((ticket.calls[0]![1]?.headers as Record<string, string>)['x-confab-internal-token']).toBeUndefined();
  });

  it('passes history paging as query parameters', async () => {
    const { impl, calls } = fakeFetch(200, { messages: [], has_more: false, last_seq: 0 });
    await new ChatServiceClient('http://chat.test', impl).history('c1', { before_seq: 51, limit: 50 });
    expect(String(calls[0]![0])).toBe('http://chat.test/v1/conversations/c1/messages?before_seq=51&limit=50');
  });

  it("turns an ApiError answer into a ChatServiceError with the server's code and words", async () => {
    const { impl } = fakeFetch(409, { error: { code: 'CONFLICT', message: 'Email already registered.' } });
    const error = await new ChatServiceClient('http://chat.test', impl)
      .signUp({ email: 'a@b.co', password: 'long enough', display_name: 'A' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatServiceError);
    expect(error).toMatchObject({ status: 409, code: 'CONFLICT', message: 'Email already registered.' });
  });

  it('refuses an answer of the wrong shape instead of passing it on', async () => {
    const { impl } = fakeFetch(200, { posts: [{ title: 'no id' }] });
    await expect(new ChatServiceClient('http://chat.test', impl).listPosts()).rejects.toMatchObject({
      status: 502,
      code: 'INTERNAL_ERROR',
    });
  });

  it('reports an unreachable chat service as 503', async () => {
    const impl = jest.fn(async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(new ChatServiceClient('http://chat.test', impl).listPosts()).rejects.toMatchObject({ status: 503 });
  });

  it('accepts 204 for sign out', async () => {
    const impl = jest.fn(async () => new Response(null, { status: 204 })) as unknown as typeof fetch;
    await expect(new ChatServiceClient('http://chat.test', impl).signOut('s')).resolves.toBeUndefined();
  });
});
