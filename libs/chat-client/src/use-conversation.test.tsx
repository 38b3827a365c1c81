/** @jest-environment jsdom */
import { act, render } from '@testing-library/react';
import useWebSocket, { ReadyState, type Options } from 'react-use-websocket';
import { ClientFrame, MAX_MESSAGE_CHARS, type ServerFrame } from '@confab/protocol';
import { RECONNECT_MAX_DELAY_MS } from './backoff';
import { TYPING_STOP_AFTER_MS } from './typing-notifier';
import { loadWire } from './load-wire';
import { loadSocketBinding } from './load-socket';
import { outboxStorageKey } from './outbox';
import { CONVERSATION_ID, ME, agentMessage, frames, message, uuid } from './test-fixtures';
import { useConversation } from './use-conversation';
import type { UseConversationOptions, UseConversationResult } from './types';

jest.mock('react-use-websocket', () => ({
  __esModule: true,
  ...jest.requireActual<object>('react-use-websocket'),
  default: jest.fn(),
}));

// ---------- the mocked react-use-websocket ----------

type SocketUrl = Parameters<typeof useWebSocket>[0];
type WebSocketHookResult = ReturnType<typeof useWebSocket>;
interface HookCall {
  url: SocketUrl;
  options: Options;
  connect: boolean;
}

const calls: HookCall[] = [];
/** Frames the hook wrote, validated against the protocol (a malformed frame fails the test). */
const sent: ClientFrame[] = [];
const sendJsonMessage: WebSocketHookResult['sendJsonMessage'] = (frame, keep) => {
  expect(keep).toBe(false); // our outbox queues; the library's queue would resend stale frames
  sent.push(ClientFrame.parse(frame));
};

// In the app the validation module loads with the first ticket, before any frame; loaded here up
// front so that a test run alone reads its frames as synchronously as one run after others.
beforeAll(() => loadWire());
// The socket binding (react-use-websocket) loads on demand too; loaded up front here, so the hook
// binds its socket in its first render ("the binding's on-demand load" below covers the load).
beforeAll(() => loadSocketBinding());

beforeAll(() => {
  jest.mocked(useWebSocket).mockImplementation((url, options = {}, connect = true) => {
    calls.push({ url, options, connect });
    return {
      sendMessage: jest.fn(),
      sendJsonMessage,
      lastMessage: null,
      lastJsonMessage: null as never,
      readyState: ReadyState.OPEN,
      getWebSocket: () => null,
    };
  });
});

function latest(): HookCall {
  const call = calls[calls.length - 1];
  if (call === undefined) throw new Error('useWebSocket was not called');
  return call;
}
const options = (): Options => latest().options;

/** What react-use-websocket does when a frame arrives: onMessage, then filter (which must drop it). */
function deliver(frame: ServerFrame | string): void {
  const event = new MessageEvent('message', { data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  act(() => {
    options().onMessage?.(event);
    expect(options().filter?.(event)).toBe(false);
  });
}

/** Let the next animation frame run (the store publishes to React then). */
function nextFrame(): void {
  act(() => {
    jest.advanceTimersByTime(20);
  });
}

/** What react-use-websocket does on close: onClose, shouldReconnect, then an interval or onReconnectStop. */
function closeSocket(code: number, attempt = 0): { reconnect: boolean; delay: number | null } {
  const event = new CloseEvent('close', { code });
  let result: { reconnect: boolean; delay: number | null } = { reconnect: false, delay: null };
  act(() => {
    const o = options();
    o.onClose?.(event);
    const reconnect = o.shouldReconnect?.(event) ?? false;
    let delay: number | null = null;
    if (reconnect && attempt < (o.reconnectAttempts ?? 20)) {
      delay = typeof o.reconnectInterval === 'function' ? o.reconnectInterval(attempt) : (o.reconnectInterval ?? null);
    } else if (reconnect) {
      o.onReconnectStop?.(attempt);
    }
    result = { reconnect, delay };
  });
  return result;
}

async function socketUrl(): Promise<string> {
  const { url } = latest();
  if (typeof url !== 'function') throw new Error('expected an async URL function');
  return url();
}

// ---------- fetch (jsdom has none) ----------

const TICKET = { ticket: 'ticket-1', param: 'token', ws_base: 'ws://localhost:4000/ws/v1/' };

function fakeResponse(status: number, body: unknown): Response {
  // The client reads only ok, status and json(); jsdom has no Response to build a real one.
  const response: Pick<Response, 'ok' | 'status' | 'json'> = {
    ok: status >= 200 && status < 300,
    status,
    json: () => Promise.resolve(body),
  };
  return response as Response;
}

const fetchMock = jest.fn<Promise<Response>, [RequestInfo | URL, RequestInit?]>();
const answerTicket = (status: number, body: unknown): void => {
  fetchMock.mockImplementation(() => Promise.resolve(fakeResponse(status, body)));
};

// ---------- rendering ----------

/** The hook in a component that renders its `socket`, as the view does. */
function renderConversation(extra: Partial<UseConversationOptions> = {}) {
  let renders = 0;
  const result: { current: UseConversationResult } = { current: undefined as never };
  function Host() {
    renders += 1;
    result.current = useConversation({ conversationId: CONVERSATION_ID, ...extra });
    return result.current.socket;
  }
  const view = render(<Host />);
  return { result, rerender: () => view.rerender(<Host />), unmount: view.unmount, renders: () => renders };
}

/** Mount, get `connected`, and let React see it. */
function renderConnected(lastSeq = 0, extra: Partial<UseConversationOptions> = {}) {
  const view = renderConversation(extra);
  deliver(frames.connected(lastSeq));
  nextFrame();
  return view;
}

const storedOutbox = (): Array<{ client_message_id: string; content: string }> =>
  JSON.parse(window.sessionStorage.getItem(outboxStorageKey(CONVERSATION_ID)) ?? '[]') as Array<{
    client_message_id: string;
    content: string;
  }>;
const nextActions = () =>
  sent.flatMap((f) => (f.event === 'action' && f.data.action === 'next' ? [f.data] : []));

beforeEach(() => {
  jest.useFakeTimers();
  calls.length = 0;
  sent.length = 0;
  window.sessionStorage.clear();
  fetchMock.mockReset();
  answerTicket(200, TICKET);
  globalThis.fetch = fetchMock;
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('useConversation with react-use-websocket mocked', () => {
  describe('configuration', () => {
    it('passes an async URL, ping/pong heartbeat, 10 attempts and a filter that drops every frame', () => {
      renderConversation();
      const { url, options: o } = latest();
      expect(typeof url).toBe('function');
      expect(o.heartbeat).toEqual({ message: 'ping', returnMessage: 'pong', interval: 10_000, timeout: 20_000 });
      expect(o.reconnectAttempts).toBe(10);
      expect(o.filter?.(new MessageEvent('message', { data: JSON.stringify(frames.connected(0)) }))).toBe(false);
      expect(o.retryOnError).toBeFalsy(); // it would double-schedule reconnects on socket errors
      expect(typeof o.shouldReconnect).toBe('function');
    });

    it('keeps the URL function stable across renders (a new one would reconnect)', () => {
      const { rerender } = renderConversation();
      const first = latest().url;
      rerender();
      expect(latest().url).toBe(first);
    });
  });

  describe('the URL function', () => {
    it('fetches a fresh ticket for every connect and builds the conversation URL', async () => {
      renderConversation({ appType: 'social' });
      await expect(socketUrl()).resolves.toBe(
        `ws://localhost:4000/ws/v1/conversation/${CONVERSATION_ID}/?token=ticket-1&app_type=social&stream=delta`,
      );
      answerTicket(200, { ...TICKET, ticket: 'ticket-2', param: 'session_user' });
      await expect(socketUrl()).resolves.toBe(
        `ws://localhost:4000/ws/v1/conversation/${CONVERSATION_ID}/?session_user=ticket-2&app_type=social&stream=delta`,
      );
      expect(fetchMock).toHaveBeenCalledTimes(2);
      expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/ws-ticket');
    });

    it('a 401 from the ticket route asks to sign in and stops reconnecting', async () => {
      const { result } = renderConversation();
      answerTicket(401, { error: { code: 'AUTH_REQUIRED', message: 'Sign in.' } });
      await expect(socketUrl()).rejects.toThrow(/sign in/i);
      nextFrame();
      expect(result.current.state.signInRequired).toBe(true);
      expect(result.current.state.connection.status).toBe('closed');
      expect(options().shouldReconnect?.(new CloseEvent('close', { code: 1006 }))).toBe(false);
      expect(result.current.send('hello')).toEqual({ ok: false, reason: 'Your session has ended. Sign in again to send messages.' });
    });

    it('retries an unreachable ticket route with backoff, then gives up as failed', async () => {
      const { result } = renderConversation();
      fetchMock.mockImplementation(() => Promise.reject(new TypeError('Failed to fetch')));
      const outcome = socketUrl().then(
        () => 'resolved',
        () => 'rejected',
      );
      await act(async () => {
        await jest.advanceTimersByTimeAsync(10 * RECONNECT_MAX_DELAY_MS);
      });
      await expect(outcome).resolves.toBe('rejected');
      expect(fetchMock).toHaveBeenCalledTimes(10);
      nextFrame();
      expect(result.current.state.connection.status).toBe('failed');
    });
  });

  describe('reconnecting', () => {
    it('didUnmount: shouldReconnect is false once the component is gone', () => {
      const { unmount } = renderConnected();
      const o = options();
      expect(o.shouldReconnect?.(new CloseEvent('close', { code: 1006 }))).toBe(true);
      unmount();
      expect(o.shouldReconnect?.(new CloseEvent('close', { code: 1006 }))).toBe(false);
    });

    it.each([
      [1000, 'The conversation was closed.'],
      [4401, 'Could not verify who you are. Reload the page to try again.'],
      [4403, "You don't have access to this conversation."],
      [4404, "This conversation doesn't exist, or you can't see it."],
    ])('terminal close %i: no reconnect, status closed, reason in words', (code, words) => {
      const { result } = renderConnected();
      expect(closeSocket(code).reconnect).toBe(false);
      nextFrame();
      expect(result.current.state.connection).toMatchObject({ status: 'closed', reason: words });
    });

    it('1006: reconnects, shows reconnecting with the attempt and when the next try is', () => {
      jest.spyOn(Math, 'random').mockReturnValue(0);
      const { result } = renderConnected();
      const now = Date.now();
      const { reconnect, delay } = closeSocket(1006, 0);
      expect(reconnect).toBe(true);
      expect(delay).toBe(500);
      nextFrame();
      expect(result.current.state.connection).toMatchObject({
        status: 'reconnecting',
        attempt: 1,
        reason: 'Connection lost.',
      });
      expect(result.current.state.connection.nextRetryAt).toBeGreaterThanOrEqual(now + 500);
    });

    it("1006 on a socket that never got `connected` (refused, no route, server down): can't reach the chat server", () => {
      const { result } = renderConversation();
      expect(closeSocket(1006, 0).reconnect).toBe(true);
      nextFrame();
      expect(result.current.state.connection).toMatchObject({ status: 'reconnecting', reason: "Can't reach the chat server." });
      // Its next socket fails the same way: still the same words, not "connection lost".
      closeSocket(1006, 1);
      nextFrame();
      expect(result.current.state.connection).toMatchObject({ status: 'reconnecting', attempt: 2, reason: "Can't reach the chat server." });
    });

    it('reconnectInterval grows with the attempt and is capped at 30 s', () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.999);
      renderConnected();
      const delays = Array.from({ length: 10 }, (_, attempt) => closeSocket(1006, attempt).delay ?? -1);
      expect(delays[0]).toBeLessThanOrEqual(1_000);
      for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] ?? 0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(RECONNECT_MAX_DELAY_MS);
      expect(delays[9]).toBeGreaterThan(RECONNECT_MAX_DELAY_MS * 0.99);
    });

    it('after the last attempt: status failed, and reconnect() starts over', () => {
      const { result } = renderConnected();
      closeSocket(1006, 10);
      nextFrame();
      expect(result.current.state.connection).toMatchObject({ status: 'failed', reason: 'Could not reconnect after 10 attempts.' });

      act(() => result.current.reconnect());
      expect(latest().connect).toBe(false); // react-use-websocket resets its attempt count on this
      act(() => {
        jest.advanceTimersByTime(1);
      });
      expect(latest().connect).toBe(true);
      nextFrame();
      expect(result.current.state.connection).toMatchObject({ status: 'connecting', attempt: 0 });
      deliver(frames.connected(0));
      nextFrame();
      expect(result.current.state.connection.status).toBe('open');
    });

    it('4408 (session expired): reconnects at once and keeps the outbox for the new socket', async () => {
      const { result } = renderConnected();
      let clientMessageId = '';
      act(() => {
        const sentResult = result.current.send('still there?');
        if (sentResult.ok) clientMessageId = sentResult.clientMessageId;
      });
      expect(closeSocket(4408, 0)).toEqual({ reconnect: true, delay: 0 });
      nextFrame();
      expect(result.current.state.messages[0]?.status).toBe('queued');
      expect(storedOutbox().map((e) => e.client_message_id)).toEqual([clientMessageId]);

      answerTicket(200, { ...TICKET, ticket: 'fresh-ticket' });
      await expect(socketUrl()).resolves.toContain('token=fresh-ticket');
      sent.length = 0;
      deliver(frames.connected(0));
      expect(nextActions().map((a) => a.client_message_id)).toEqual([clientMessageId]);
    });
  });

  describe('frames', () => {
    it('onMessage frames update state, published on the next animation frame', () => {
      const { result } = renderConversation();
      deliver(frames.connected(0));
      expect(result.current.state.connection.status).toBe('connecting'); // not rendered yet
      nextFrame();
      expect(result.current.state.connection.status).toBe('open');
      expect(result.current.state.identity).toEqual(ME);

      deliver(frames.message(message(1)));
      nextFrame();
      expect(result.current.state.messages.map((m) => m.content)).toEqual(['message 1']);
      expect(result.current.state.lastSeq).toBe(1);
    });

    it('a burst of stream frames renders nothing: the reply reads its text live, and a done frame renders once', () => {
      const { result, renders } = renderConnected();
      deliver(frames.message(agentMessage(1)));
      nextFrame();
      const before = renders();
      let text = '';
      for (let i = 0; i < 100; i += 1) {
        text += `w${i} `;
        deliver(frames.stream(1, text, `w${i} `));
      }
      nextFrame();
      expect(renders() - before).toBe(0);
      const reply = result.current.state.messages[0];
      expect(reply?.status).toBe('streaming');
      expect(result.current.liveContent.read(reply?.key ?? '')?.text).toBe(text);

      deliver(frames.done(1, text));
      nextFrame();
      expect(renders() - before).toBe(1);
      expect(result.current.state.messages[0]).toMatchObject({ status: 'complete', content: text });
    });

    it('ignores the heartbeat pong and frames it cannot read', () => {
      const { result, renders } = renderConnected();
      const before = renders();
      deliver('pong');
      deliver('{"event":"nonsense"}');
      deliver('not json');
      nextFrame();
      expect(renders()).toBe(before);
      expect(result.current.state.messages).toEqual([]);
    });

    it('on connected: asks for everything after lastSeq', () => {
      renderConversation({ initialMessages: [message(1), message(2)] });
      deliver(frames.connected(2));
      expect(sent[0]).toEqual({ event: 'sync', data: { after_seq: 2 } });
    });

    it('a seq gap makes the hook send sync from the last contiguous seq', () => {
      renderConnected(2);
      deliver(frames.sync([message(1), message(2)], 2));
      sent.length = 0;
      deliver(frames.message(message(5)));
      expect(sent).toEqual([{ event: 'sync', data: { after_seq: 2 } }]);
      deliver(frames.message(message(6))); // still in flight: no second request
      expect(sent).toHaveLength(1);
    });

    it('a stream frame past the text held (one was lost) asks for a sync, whose snapshot fills the text', () => {
      const { result } = renderConnected(2);
      deliver(frames.sync([message(1), message(2)], 2));
      deliver(frames.stream(3, 'Hello'));
      deliver(frames.streamDelta(3, ' world', 5));
      sent.length = 0;
      deliver(frames.streamDelta(3, '!', 18)); // ' there,' (at 11) was lost
      expect(sent).toEqual([{ event: 'sync', data: { after_seq: 3 } }]);
      // The sync's last page, but its snapshot is not here yet: the next frames do not ask again.
      deliver(frames.sync([], 3));
      deliver(frames.streamDelta(3, '?', 19));
      expect(sent).toHaveLength(1);
      deliver(frames.stream(3, 'Hello world there,!?'));
      deliver(frames.streamDelta(3, ' Yes.', 20));
      nextFrame();
      expect(result.current.state.messages.at(-1)?.content).toBe('Hello world there,!? Yes.');
      // After a whole text, a new gap is asked about again.
      deliver(frames.streamDelta(3, 'x', 40));
      expect(sent).toHaveLength(2);
    });
  });

  describe('sending and the outbox', () => {
    it('written while offline: queued and persisted; on connected sent after the sync, in order, same ids', () => {
      const { result } = renderConversation();
      const ids: string[] = [];
      act(() => {
        for (const text of ['one', 'two', 'three']) {
          const r = result.current.send(text);
          if (r.ok) ids.push(r.clientMessageId);
        }
      });
      nextFrame();
      expect(ids).toHaveLength(3);
      expect(result.current.state.messages.map((m) => [m.content, m.status])).toEqual([
        ['one', 'queued'],
        ['two', 'queued'],
        ['three', 'queued'],
      ]);
      expect(storedOutbox().map((e) => e.content)).toEqual(['one', 'two', 'three']);
      expect(sent).toEqual([]);

      deliver(frames.connected(0));
      expect(sent[0]).toEqual({ event: 'sync', data: { after_seq: 0 } });
      expect(nextActions().map((a) => [a.message, a.client_message_id])).toEqual([
        ['one', ids[0]],
        ['two', ids[1]],
        ['three', ids[2]],
      ]);
      nextFrame();
      expect(result.current.state.messages.map((m) => m.status)).toEqual(['sending', 'sending', 'sending']);
    });

    it('an entry leaves the outbox only when acknowledged (or seen stored)', () => {
      const { result } = renderConnected();
      const ids: string[] = [];
      act(() => {
        for (const text of ['one', 'two']) {
          const r = result.current.send(text);
          if (r.ok) ids.push(r.clientMessageId);
        }
      });
      expect(storedOutbox()).toHaveLength(2);
      deliver(frames.ack(ids[0] ?? '', 1));
      expect(storedOutbox().map((e) => e.client_message_id)).toEqual([ids[1]]);
      // The stored copy of our message: by us (the server stores it under the sender's identity).
      deliver(frames.message(message(2, { client_message_id: ids[1] ?? null, content: 'two', author: { kind: ME.kind, id: ME.id, display_name: ME.display_name } })));
      expect(storedOutbox()).toEqual([]);
      nextFrame();
      expect(result.current.state.messages.map((m) => [m.content, m.status, m.mine])).toEqual([
        ['one', 'complete', true],
        ['two', 'complete', true],
      ]);
    });

    it('the outbox survives a reload and is resent with the original client_message_id', async () => {
      const first = renderConversation();
      let id = '';
      act(() => {
        const r = first.result.current.send('written offline');
        if (r.ok) id = r.clientMessageId;
      });
      first.unmount();

      const second = renderConversation();
      await act(async () => {
        await jest.advanceTimersByTimeAsync(0); // the stored outbox is read back
      });
      nextFrame();
      expect(second.result.current.state.messages.map((m) => [m.key, m.status])).toEqual([[id, 'queued']]);
      deliver(frames.connected(0));
      expect(nextActions().map((a) => a.client_message_id)).toEqual([id]);
    });

    it('refuses with words: empty, too long, read-only', () => {
      const { result } = renderConnected();
      expect(result.current.send('   ')).toEqual({ ok: false, reason: 'Write a message first.' });
      expect(result.current.send('x'.repeat(MAX_MESSAGE_CHARS + 1))).toMatchObject({ ok: false });
      deliver(frames.connected(0, { can_write: false }));
      expect(result.current.send('hi')).toEqual({ ok: false, reason: "You can't write in this conversation." });
      expect(nextActions()).toEqual([]);
    });

    it('refuses when 100 messages are already waiting', () => {
      const { result } = renderConversation();
      act(() => {
        for (let i = 0; i < 100; i += 1) expect(result.current.send(`m${i}`).ok).toBe(true);
      });
      const refused = result.current.send('one too many');
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.reason).toMatch(/100 messages are already waiting to be sent/);
      expect(storedOutbox()).toHaveLength(100);
    });

    it('RATE_LIMIT: the message is queued again, sending is refused, and it goes out after the wait', () => {
      const { result } = renderConnected();
      let id = '';
      act(() => {
        const r = result.current.send('too fast');
        if (r.ok) id = r.clientMessageId;
      });
      deliver(frames.error('RATE_LIMIT', { retry_after_s: 3, client_message_id: id }));
      nextFrame();
      expect(result.current.state.messages[0]?.status).toBe('queued');
      expect(result.current.state.error?.message).toBe("You're sending messages too fast. Try again in 3 s.");
      expect(result.current.send('another')).toMatchObject({ ok: false, reason: expect.stringMatching(/too fast/) });

      sent.length = 0;
      act(() => {
        jest.advanceTimersByTime(3_100);
      });
      expect(nextActions().map((a) => a.client_message_id)).toEqual([id]);
      nextFrame();
      expect(result.current.state.error).toBeNull();
    });

    it('retry() resends a failed message with its original id', () => {
      const { result } = renderConnected();
      let id = '';
      act(() => {
        const r = result.current.send('hello');
        if (r.ok) id = r.clientMessageId;
      });
      deliver(frames.error('VALIDATION_ERROR', { client_message_id: id, message: 'Could not store it.' }));
      nextFrame();
      expect(result.current.state.messages[0]).toMatchObject({ status: 'failed', error: { message: 'Could not store it.' } });
      expect(storedOutbox()).toEqual([]);
      sent.length = 0;
      act(() => {
        expect(result.current.retry(id)).toEqual({ ok: true, clientMessageId: id });
      });
      expect(nextActions().map((a) => a.client_message_id)).toEqual([id]);
    });
  });

  describe('typing and stop', () => {
    const typingFrames = () => sent.flatMap((f) => (f.event === 'typing' ? [f.data.state] : []));

    it('sends typing start at most once per second and stop 2 s after the last keystroke', () => {
      const { result } = renderConnected();
      act(() => {
        for (let i = 0; i < 5; i += 1) {
          result.current.notifyTyping();
          jest.advanceTimersByTime(100);
        }
      });
      expect(typingFrames()).toEqual(['start']);
      act(() => {
        jest.advanceTimersByTime(600);
        result.current.notifyTyping();
      });
      expect(typingFrames()).toEqual(['start', 'start']);
      act(() => {
        jest.advanceTimersByTime(TYPING_STOP_AFTER_MS - 1);
      });
      expect(typingFrames()).toEqual(['start', 'start']);
      act(() => {
        jest.advanceTimersByTime(1);
      });
      expect(typingFrames()).toEqual(['start', 'start', 'stop']);
    });

    it('sending stops typing at once, before the message goes out', () => {
      const { result } = renderConnected();
      act(() => {
        result.current.notifyTyping();
        result.current.send('done typing');
      });
      const order = sent.filter((f) => f.event !== 'sync').map((f) => (f.event === 'typing' ? `typing ${f.data.state}` : f.event));
      expect(order).toEqual(['typing start', 'typing stop', 'action']);
      act(() => {
        jest.advanceTimersByTime(5_000);
      });
      expect(typingFrames()).toEqual(['start', 'stop']); // no late second stop
    });

    it('stop() asks to stop the reply being streamed', () => {
      const { result } = renderConnected();
      deliver(frames.message(agentMessage(1)));
      act(() => result.current.stop());
      expect(sent[sent.length - 1]).toEqual({ event: 'action', data: { action: 'stop', message_id: uuid(1) } });
    });

    // The server answers a stop that found no reply streaming with NOTHING_TO_STOP; over Redis that
    // answer may overtake the reply's `done`, so both orders are checked.
    it.each([
      { order: 'after', when: 'the reply ended' },
      { order: 'before', when: 'the reply’s done arrives' },
    ] as const)('Stop pressed as the reply ended: NOTHING_TO_STOP $order $when shows no error and leaves the finished reply as is', ({ order }) => {
      const { result } = renderConnected();
      deliver(frames.message(agentMessage(1)));
      deliver(frames.stream(1, 'The whole answer'));
      act(() => result.current.stop());
      const nothingToStop = frames.error('NOTHING_TO_STOP', { message_id: uuid(1), message: 'There is no reply being written to stop.' });
      const done = frames.done(1, 'The whole answer.');
      for (const frame of order === 'after' ? [done, nothingToStop] : [nothingToStop, done]) deliver(frame);
      nextFrame();

      expect(result.current.state.error).toBeNull();
      expect(result.current.state.messages).toHaveLength(1);
      expect(result.current.state.messages[0]).toMatchObject({ id: uuid(1), status: 'complete', content: 'The whole answer.', error: null });
      expect(result.current.state.connection.status).toBe('open');
    });

    it('NOTHING_TO_STOP leaves a rate-limit notice shown before it as it was', () => {
      const { result } = renderConnected();
      deliver(frames.error('RATE_LIMIT', { retry_after_s: 30 }));
      nextFrame();
      const notice = result.current.state.error;
      expect(notice?.code).toBe('RATE_LIMIT');
      deliver(frames.error('NOTHING_TO_STOP', { message_id: uuid(1) }));
      nextFrame();
      expect(result.current.state.error).toBe(notice);
    });

    it('Stop pressed while reconnecting is sent once the socket is back, after the catch-up sync', () => {
      const { result } = renderConnected();
      deliver(frames.message(agentMessage(1)));
      closeSocket(1006);
      const before = sent.length;
      act(() => result.current.stop());
      expect(sent.length).toBe(before);

      deliver(frames.connected(1));
      expect(sent.slice(before)).toEqual([
        { event: 'sync', data: { after_seq: 0 } },
        { event: 'action', data: { action: 'stop', message_id: uuid(1) } },
      ]);
      // Answered (the reply's `done`): a later reconnect does not stop anything again.
      deliver(frames.done(1, 'Partial', 'stopped'));
      closeSocket(1006);
      const after = sent.length;
      deliver(frames.connected(1));
      expect(sent.slice(after).filter((frame) => frame.event === 'action')).toEqual([]);
    });

    it('Stop written on a socket that had died unnoticed is written again on the next one, until its reply answers', () => {
      const { result } = renderConnected();
      deliver(frames.message(agentMessage(1)));
      act(() => result.current.stop()); // the socket looks open: written, and lost with it
      const stops = () => sent.filter((frame) => frame.event === 'action' && frame.data.action === 'stop').length;
      expect(stops()).toBe(1);
      closeSocket(1006);
      deliver(frames.connected(1));
      expect(stops()).toBe(2);
      // The server had nothing left to stop (it ended meanwhile): nothing more is sent after that.
      deliver(frames.error('NOTHING_TO_STOP', { message_id: uuid(1) }));
      closeSocket(1006);
      deliver(frames.connected(1));
      expect(stops()).toBe(2);
    });
  });

  describe('history', () => {
    it('loadOlder fetches the page before the first seq through the Next.js route and merges it', async () => {
      const { result } = renderConversation({ initialMessages: [message(51), message(52)], initialHasOlder: true });
      fetchMock.mockImplementation(() =>
        Promise.resolve(fakeResponse(200, { messages: [message(49), message(50)], has_more: false, last_seq: 52 })),
      );
      await act(async () => {
        await result.current.loadOlder();
      });
      nextFrame();
      expect(fetchMock.mock.calls[0]?.[0]).toBe(`/api/conversations/${CONVERSATION_ID}/messages?before_seq=51`);
      expect(result.current.state.messages.map((m) => m.seq)).toEqual([49, 50, 51, 52]);
      expect(result.current.state.hasOlder).toBe(false);
    });
  });
});
