import { WsTicketResponse } from '@confab/protocol';
import { buildConversationSocketUrl, fetchWsTicket, type FetchLike } from './ticket';
import { fetchOlderMessages, historyPath } from './history';
import { CONVERSATION_ID, message } from './test-fixtures';

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const answering = (response: Response | Error): jest.MockedFunction<FetchLike> =>
  jest.fn<Promise<Response>, Parameters<FetchLike>>(() =>
    response instanceof Error ? Promise.reject(response) : Promise.resolve(response),
  );

describe('WsTicketResponse', () => {
  it('accepts the route answer and rejects anything else', () => {
    expect(WsTicketResponse.safeParse({ ticket: 't', param: 'token', ws_base: 'ws://localhost:4000/ws/v1/' }).success).toBe(true);
    expect(WsTicketResponse.safeParse({ ticket: 't', param: 'cookie', ws_base: 'ws://x/' }).success).toBe(false);
    expect(WsTicketResponse.safeParse({ ticket: '', param: 'token', ws_base: 'ws://x/' }).success).toBe(false);
    expect(WsTicketResponse.safeParse({ ticket: 't', param: 'token', ws_base: 'http://x/' }).success).toBe(false);
  });
});

describe('buildConversationSocketUrl', () => {
  it('builds base + conversation path + ticket param + app_type', () => {
    expect(
      buildConversationSocketUrl({ ticket: 'abc.def', param: 'token', ws_base: 'ws://localhost:4000/ws/v1/' }, CONVERSATION_ID, 'social'),
    ).toBe(`ws://localhost:4000/ws/v1/conversation/${CONVERSATION_ID}/?token=abc.def&app_type=social&stream=delta`);
  });

  it('uses session_user for visitors, escapes values and tolerates a base without trailing slash', () => {
    expect(
      buildConversationSocketUrl({ ticket: 'a+b/c=', param: 'session_user', ws_base: 'wss://chat.example/ws/v1' }, CONVERSATION_ID, 'my app'),
    ).toBe(`wss://chat.example/ws/v1/conversation/${CONVERSATION_ID}/?session_user=a%2Bb%2Fc%3D&app_type=my+app&stream=delta`);
  });

  it('adds product_id when the app has a productId', () => {
    expect(
      buildConversationSocketUrl({ ticket: 't', param: 'token', ws_base: 'ws://localhost:4000/ws/v1/' }, CONVERSATION_ID, 'social', 'confab'),
    ).toBe(`ws://localhost:4000/ws/v1/conversation/${CONVERSATION_ID}/?token=t&app_type=social&product_id=confab&stream=delta`);
  });
});

describe('fetchWsTicket', () => {
  it('GETs /api/ws-ticket with the same-origin cookie and returns the validated answer', async () => {
    const fetchImpl = answering(json(200, { ticket: 'T', param: 'token', ws_base: 'ws://h/ws/v1/' }));
    await expect(fetchWsTicket(fetchImpl)).resolves.toEqual({ ok: true, ticket: { ticket: 'T', param: 'token', ws_base: 'ws://h/ws/v1/' } });
    expect(fetchImpl).toHaveBeenCalledWith('/api/ws-ticket', expect.objectContaining({ credentials: 'same-origin', cache: 'no-store' }));
  });

  it('401 means sign in again', async () => {
    const result = await fetchWsTicket(answering(json(401, { error: { code: 'AUTH_REQUIRED', message: 'no' } })));
    expect(result).toMatchObject({ ok: false, kind: 'sign-in-required' });
  });

  it('network failures, 5xx and malformed answers are retryable', async () => {
    // No answer at all, or a gateway's (502, 503, 504: the server behind it is down or not answering):
    // the client says it cannot reach the chat server, in its own words.
    const unreachable = { ok: false, kind: 'unavailable', message: "Can't reach the chat server." };
    await expect(fetchWsTicket(answering(new TypeError('offline')))).resolves.toEqual(unreachable);
    await expect(
      fetchWsTicket(answering(json(503, { error: { code: 'INTERNAL_ERROR', message: "Can't reach Confab's chat service right now. Try again in a moment." } }))),
    ).resolves.toEqual(unreachable);
    await expect(fetchWsTicket(answering(json(502, {})))).resolves.toEqual(unreachable);
    await expect(fetchWsTicket(answering(json(504, {})))).resolves.toEqual(unreachable);
    // Any other refusal is the server's own words.
    await expect(
      fetchWsTicket(answering(json(500, { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' } }))),
    ).resolves.toEqual({ ok: false, kind: 'unavailable', message: 'Something went wrong on our side.' });
    await expect(fetchWsTicket(answering(json(200, { ticket: 42 })))).resolves.toMatchObject({ ok: false, kind: 'unavailable' });
  });
});

describe('fetchOlderMessages', () => {
  it('asks the proxy route for messages before the first seq and validates the page', async () => {
    const page = { messages: [message(1)], has_more: false, last_seq: 9 };
    const fetchImpl = answering(json(200, page));
    await expect(fetchOlderMessages(CONVERSATION_ID, 2, fetchImpl)).resolves.toEqual({ ok: true, history: page });
    expect(fetchImpl.mock.calls[0]?.[0]).toBe(`/api/conversations/${CONVERSATION_ID}/messages?before_seq=2`);
    expect(historyPath(CONVERSATION_ID, 7)).toBe(`/api/conversations/${CONVERSATION_ID}/messages?before_seq=7`);
  });

  it('turns API errors and malformed pages into words', async () => {
    await expect(
      fetchOlderMessages(CONVERSATION_ID, 2, answering(json(404, { error: { code: 'NOT_FOUND', message: 'Not found.' } }))),
    ).resolves.toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'Not found.' } });
    await expect(fetchOlderMessages(CONVERSATION_ID, 2, answering(json(200, { messages: 'no' })))).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL_ERROR' },
    });
  });
});

describe('fetchWsTicket, two connects at once (React StrictMode, two conversations on a page)', () => {
  it('asks for one ticket at a time, so a visitor created by the first answer is the one the second uses', async () => {
    const answers: Array<(r: Response) => void> = [];
    const fetchImpl = jest.fn<Promise<Response>, Parameters<FetchLike>>(() => new Promise<Response>((resolve) => answers.push(resolve)));
    const first = fetchWsTicket(fetchImpl);
    const second = fetchWsTicket(fetchImpl);
    await Promise.resolve();
    // The second request waits: without the visitor cookie the first answer sets, it would create another visitor.
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    answers[0]?.(json(200, { ticket: 'one', param: 'session_user', ws_base: 'ws://localhost:4000/ws/v1/' }));
    expect(await first).toMatchObject({ ok: true, ticket: { ticket: 'one' } });
    await new Promise((r) => setTimeout(r, 0));
    expect(fetchImpl).toHaveBeenCalledTimes(2);
    answers[1]?.(json(200, { ticket: 'two', param: 'session_user', ws_base: 'ws://localhost:4000/ws/v1/' }));
    expect(await second).toMatchObject({ ok: true, ticket: { ticket: 'two' } });
  });

  it('a failed request does not hold up the next one', async () => {
    const fetchImpl = jest.fn<Promise<Response>, Parameters<FetchLike>>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValueOnce(json(200, { ticket: 'ok', param: 'token', ws_base: 'ws://localhost:4000/ws/v1/' }));
    const [a, b] = await Promise.all([fetchWsTicket(fetchImpl), fetchWsTicket(fetchImpl)]);
    expect([a.ok, b.ok]).toEqual([false, true]);
  });
});
