/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ChatMessage, ConversationState, LiveContent, SendResult, UseConversationResult } from '@confab/chat-client';
import { liveContentOf, useConversation, wholeText } from '@confab/chat-client';
import { Conversation } from './Conversation';

jest.mock('@confab/chat-client', () => ({ ...jest.requireActual<object>('@confab/chat-client'), useConversation: jest.fn() }));

const mockedUseConversation = jest.mocked(useConversation);
const CONVERSATION_ID = '6c7c1cbc-5fec-43e2-8349-929a59fa7592';
const NOW = Date.parse('2026-11-28T12:00:00.000Z');

const ada = { kind: 'agent' as const, id: null, display_name: 'Ada' };
const grace = { kind: 'user' as const, id: '11111111-1111-4111-8111-111111111111', display_name: 'Grace' };

let seq = 0;
function message(overrides: Partial<ChatMessage> = {}): ChatMessage {
  seq += 1;
  const id = `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  return {
    key: id,
    id,
    client_message_id: null,
    seq,
    author: grace,
    content: 'Hello',
    status: 'complete',
    source: 'text',
    model: null,
    finish_reason: null,
    usage: null,
    created_at: new Date(NOW).toISOString(),
    error: null,
    mine: false,
    ...overrides,
  };
}

function state(overrides: Partial<ConversationState> = {}): ConversationState {
  return {
    conversationId: CONVERSATION_ID,
    messages: [],
    lastSeq: 0,
    identity: { kind: 'user', id: grace.id, display_name: 'Grace' },
    canWrite: true,
    typing: [],
    connection: { status: 'open', attempt: 0, nextRetryAt: null, reason: null },
    error: null,
    hasOlder: false,
    signInRequired: false,
    presence: null,
    unanswered: null,
    ...overrides,
  };
}

function hook(overrides: Partial<ConversationState> = {}): jest.Mocked<UseConversationResult> {
  const current = state(overrides);
  const result: jest.Mocked<UseConversationResult> = {
    state: current,
    liveContent: liveContentOf({ subscribe: () => () => undefined, getLiveSnapshot: () => current }),
    socket: null,
    send: jest.fn<SendResult, [string]>(() => ({ ok: true, clientMessageId: 'client-1' })),
    retry: jest.fn<SendResult, [string]>(() => ({ ok: true, clientMessageId: 'client-1' })),
    discard: jest.fn(),
    stop: jest.fn(),
    retryReply: jest.fn<boolean, [string]>(() => true),
    notifyTyping: jest.fn(),
    reconnect: jest.fn(),
    loadOlder: jest.fn(async () => undefined),
  };
  mockedUseConversation.mockReturnValue(result);
  return result;
}

function renderConversation(props: Partial<Parameters<typeof Conversation>[0]> = {}) {
  return render(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} {...props} />);
}

// jsdom has no layout: give the (virtualized) message scroller a viewport, so rows render.
const clientHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight');
const clientWidth = Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth');
beforeAll(() => {
  Object.defineProperty(Element.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(Element.prototype, 'clientWidth', { configurable: true, get: () => 760 });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(Element.prototype, 'clientHeight', clientHeight);
  if (clientWidth) Object.defineProperty(Element.prototype, 'clientWidth', clientWidth);
});

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
  mockedUseConversation.mockReset();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('Conversation with useConversation mocked', () => {
  it('shows HTML in a message as text and never creates script or img elements', () => {
    hook({
      messages: [message({ content: '<script>window.__pwned = 1</script>\n\nHi <img src="x" onerror="alert(1)"> there' })],
    });
    const { container } = renderConversation();

    expect(screen.getByText('<script>window.__pwned = 1</script>')).toBeTruthy();
    expect(screen.getByText(/<img src="x" onerror="alert\(1\)">/)).toBeTruthy();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
  });

  it('renders markdown links with rel="noopener noreferrer nofollow" and drops javascript: URLs', () => {
    hook({ messages: [message({ content: '[docs](https://example.com/docs) and [bad](javascript:alert(1))' })] });
    renderConversation();

    const docs = screen.getByRole('link', { name: 'docs' });
    expect(docs.getAttribute('href')).toBe('https://example.com/docs');
    expect(docs.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    // The unsafe link keeps its text but loses its URL, so it is not even a link any more.
    expect(screen.queryByRole('link', { name: 'bad' })).toBeNull();
    expect(screen.getByText('bad').closest('a')?.getAttribute('href') ?? '').not.toMatch(/javascript/i);
  });

  it('lists each message with its status and author kind, and labels demo-agent replies', () => {
    hook({
      messages: [
        message({ content: 'Question', mine: true }),
        message({ author: ada, content: 'Answer', model: 'demo' }),
      ],
    });
    renderConversation();

    const items = within(screen.getByRole('region', { name: 'Conversation' })).getAllByRole('listitem');
    expect(items.map((li) => [li.getAttribute('data-author-kind'), li.getAttribute('data-status')])).toEqual([
      ['user', 'complete'],
      ['agent', 'complete'],
    ]);
    expect(within(items[1]!).getByText('Ada')).toBeTruthy();
    expect(within(items[1]!).getByText('Demo agent')).toBeTruthy();
  });

  it('disables Send and counts down while rate-limited, then lets the person send again', () => {
    hook({ error: { code: 'RATE_LIMIT', message: 'Too many messages', until: NOW + 12_000 } });
    renderConversation();
    act(() => {
      jest.advanceTimersByTime(0);
    });

    fireEvent.change(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'one more' } });
    expect(screen.getByRole('alert').textContent).toBe("You're sending messages too fast. Try again in 12 s.");
    // Said once: the composer does not repeat the countdown under the alert.
    expect(screen.getAllByText(/Try again in 12 s/)).toHaveLength(1);
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);

    act(() => {
      jest.advanceTimersByTime(5_000);
    });
    expect(screen.getByRole('alert').textContent).toBe("You're sending messages too fast. Try again in 7 s.");

    act(() => {
      jest.advanceTimersByTime(7_500);
    });
    expect(screen.queryByRole('alert')).toBeNull();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('offers Stop only while an agent reply streams, and stops that reply', () => {
    const streaming = message({ author: ada, content: 'Thinking', status: 'streaming' });
    const result = hook({ messages: [message({ mine: true }), streaming] });
    const { rerender } = renderConversation();

    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(result.stop).toHaveBeenCalledWith(streaming.id);
    // The press shows at once, before the server answers (it may be slow, or stuck).
    expect(screen.getByRole('button', { name: 'Stopping…' })).toBeTruthy();

    hook({ messages: [message({ mine: true }), { ...streaming, status: 'complete' }] });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
  });

  it('stops the streaming reply on Escape in the message box, and does nothing on Escape otherwise', () => {
    const streaming = message({ author: ada, content: 'Thinking', status: 'streaming' });
    const result = hook({ messages: [message({ mine: true }), streaming] });
    const { rerender } = renderConversation();
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Escape' });
    expect(result.stop).toHaveBeenCalledWith(streaming.id);

    // Escape while an IME composes cancels the candidate, not the reply.
    result.stop.mockClear();
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Escape', isComposing: true });
    expect(result.stop).not.toHaveBeenCalled();

    const idle = hook({ messages: [message({ mine: true }), { ...streaming, status: 'complete' }] });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Escape' });
    expect(idle.stop).not.toHaveBeenCalled();
  });

  it('in a shared conversation, offers Stop to the person who asked for the reply and to no one else', () => {
    const reply = (askedBy: { kind: 'user'; id: string }) => message({ author: ada, content: 'Thinking', status: 'streaming', askedBy });
    const askedByGrace = reply({ kind: 'user', id: grace.id });
    const result = hook({ messages: [askedByGrace] });
    const { rerender } = renderConversation();
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(result.stop).toHaveBeenCalledWith(askedByGrace.id);

    hook({ messages: [reply({ kind: 'user', id: '99999999-9999-4999-8999-999999999999' })] });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
  });

  it('shows who is typing in a status element', () => {
    const who = (display_name: string, id: string) => ({ who: { kind: 'user' as const, id, display_name }, until: NOW + 5_000 });
    hook({ typing: [who('Ada', '22222222-2222-4222-8222-222222222222')] });
    const { rerender } = renderConversation();
    expect(screen.getByRole('status').textContent).toBe('Ada is typing…');

    hook({ typing: [who('Ada', '22222222-2222-4222-8222-222222222222'), who('Bo', '33333333-3333-4333-8333-333333333333')] });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    expect(screen.getByRole('status').textContent).toBe('Ada and Bo are typing…');
  });

  it('puts the connection state into words', () => {
    hook({ connection: { status: 'open', attempt: 0, nextRetryAt: null, reason: null } });
    const { rerender } = renderConversation();
    const status = () => screen.getByTestId('connection-status');
    expect(status().textContent).toBe('Connected');
    expect(status().getAttribute('data-state')).toBe('open');

    hook({ connection: { status: 'reconnecting', attempt: 2, nextRetryAt: NOW + 4_000, reason: "Can't reach the chat server." } });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    act(() => {
      jest.advanceTimersByTime(0);
    });
    expect(status().textContent).toBe("Can't reach the chat server. Reconnecting in 4\u00a0s");
    expect(status().getAttribute('data-state')).toBe('reconnecting');
    // A wait of seconds can be cut short: the server may be back already.
    const waiting = hook({ connection: { status: 'reconnecting', attempt: 5, nextRetryAt: NOW + 17_000, reason: 'Connection lost.' } });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(waiting.reconnect).toHaveBeenCalled();

    const result = hook({ connection: { status: 'failed', attempt: 10, nextRetryAt: null, reason: 'Gave up' } });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    expect(result.reconnect).toHaveBeenCalled();
  });

  it('says messages will be sent later while the browser is offline', () => {
    const onLine = jest.spyOn(window.navigator, 'onLine', 'get').mockReturnValue(false);
    try {
      hook({ connection: { status: 'reconnecting', attempt: 1, nextRetryAt: NOW + 2_000, reason: null } });
      renderConversation();
      expect(screen.getByTestId('connection-status').textContent).toBe("Offline — messages will be sent when you're back");
    } finally {
      onLine.mockRestore();
    }
  });

  it('sends on Enter, keeps a new line on Shift+Enter, and clears the box after sending', () => {
    const result = hook();
    renderConversation();
    const box = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;

    fireEvent.change(box, { target: { value: 'first line' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(result.send).not.toHaveBeenCalled();

    fireEvent.keyDown(box, { key: 'Enter' });
    expect(result.send).toHaveBeenCalledWith('first line');
    expect(box.value).toBe('');
    expect(result.notifyTyping).toHaveBeenCalled();
  });

  it('shows a counter near the 10,000-character limit and refuses longer messages', () => {
    hook();
    renderConversation();
    const box = screen.getByRole('textbox', { name: 'Message' });

    fireEvent.change(box, { target: { value: 'a'.repeat(9_500) } });
    expect(screen.getByText('9,500 / 10,000')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false);

    fireEvent.change(box, { target: { value: 'a'.repeat(10_001) } });
    expect(screen.getByText('10,001 / 10,000 — too long to send')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps the text and says why when the client refuses to send', () => {
    const result = hook();
    result.send.mockReturnValue({ ok: false, reason: 'Too many messages are waiting to be sent.' });
    renderConversation();
    const box = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;

    fireEvent.change(box, { target: { value: 'hello' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(screen.getByRole('alert').textContent).toBe('Too many messages are waiting to be sent.');
    expect(box.value).toBe('hello');
  });

  it('marks sending, queued and failed messages in words and retries a failed one', () => {
    const failed = message({
      mine: true,
      status: 'failed',
      client_message_id: 'client-failed-1',
      error: { code: 'VALIDATION_ERROR', message: 'A message cannot be empty.' },
    });
    const result = hook({
      messages: [message({ mine: true, status: 'sending' }), message({ mine: true, status: 'queued' }), failed],
    });
    renderConversation();

    expect(screen.getByText('Sending…')).toBeTruthy();
    expect(screen.getByText(/^Queued/)).toBeTruthy();
    expect(screen.getByText(/Not sent/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(result.retry).toHaveBeenCalledWith('client-failed-1');
  });

  it('says a message is not delivered yet when the server has not acknowledged it after 5 s', () => {
    hook({ messages: [message({ mine: true, status: 'sending' })] });
    renderConversation();
    act(() => jest.advanceTimersByTime(4_900));
    expect(screen.getByText('Sending…')).toBeTruthy();
    act(() => jest.advanceTimersByTime(200));
    expect(screen.queryByText('Sending…')).toBeNull();
    expect(screen.getByText('Not delivered yet — still trying…')).toBeTruthy();
  });

  it("tells screen readers an agent's reply once it has finished, and the connection dropping", () => {
    const streaming = message({ author: ada, content: 'Thin', status: 'streaming' });
    hook({ messages: [message({ mine: true })] });
    const { rerender } = renderConversation();
    const again = () => rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    const announcer = screen.getByTestId('announcer');
    expect(announcer.getAttribute('aria-live')).toBe('polite');

    hook({ messages: [message({ mine: true }), streaming] });
    again();
    expect(announcer.textContent).toBe('');
    hook({ messages: [message({ mine: true }), { ...streaming, status: 'complete', content: 'Thinking done.' }] });
    again();
    expect(announcer.textContent).toBe('Ada replied: Thinking done.');
    hook({ messages: [message({ mine: true }), { ...streaming, status: 'complete', content: 'Thinking done.' }], connection: { status: 'reconnecting', attempt: 1, nextRetryAt: NOW + 2_000, reason: null } });
    again();
    expect(announcer.textContent).toBe('Connection lost. Reconnecting…');
  });

  it("tells screen readers why the connection is not there, once, as the connection line says it", () => {
    hook({ connection: { status: 'connecting', attempt: 0, nextRetryAt: null, reason: null } });
    const { rerender } = renderConversation();
    const again = () => rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    const announcer = screen.getByTestId('announcer');
    hook({ connection: { status: 'reconnecting', attempt: 1, nextRetryAt: NOW + 2_000, reason: "Can't reach the chat server." } });
    again();
    expect(announcer.textContent).toBe("Can't reach the chat server. Reconnecting…");
    hook({ connection: { status: 'open', attempt: 0, nextRetryAt: null, reason: null } });
    again();
    expect(announcer.textContent).toBe('Connected again.');
    hook({ connection: { status: 'reconnecting', attempt: 0, nextRetryAt: null, reason: 'The server is busy.' } });
    again();
    expect(announcer.textContent).toBe('The server is busy. Reconnecting…');
  });

  it("tells screen readers once that the agent couldn't answer my question, not again after a reconnect", () => {
    const question = message({ mine: true, content: '@ada Hello?' });
    const before = [message({ author: ada, content: 'Earlier answer' }), question];
    hook({ messages: before });
    const { rerender } = renderConversation();
    const again = () => rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    const announcer = screen.getByTestId('announcer');
    hook({ messages: before, unanswered: question.id });
    again();
    expect(announcer.textContent).toBe("The agent couldn't answer your message. Try again is below it.");
    announcer.textContent = '';
    hook({ messages: before, unanswered: question.id });
    again();
    hook({ messages: before, unanswered: question.id, connection: { status: 'reconnecting', attempt: 1, nextRetryAt: NOW + 2_000, reason: 'Connection lost.' } });
    again();
    hook({ messages: before, unanswered: question.id });
    again();
    expect(announcer.textContent).toBe('Connected again.');
  });

  it('offers "Try again" under my question\'s reply when it failed, once, and only while connected', () => {
    const failed = message({ author: ada, status: 'error', content: '' });
    const result = hook({ messages: [message({ mine: true, content: 'Hello?' }), failed] });
    const { rerender } = renderConversation({ retryReplies: true });
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(result.retryReply).toHaveBeenCalledWith(failed.id);
    expect((screen.getByRole('button', { name: 'Trying again…' }) as HTMLButtonElement).disabled).toBe(true);

    // Not for someone else's question, nor while disconnected.
    hook({ messages: [message({ content: 'Their question' }), { ...failed, id: '33333333-3333-4333-8333-333333333333', key: 'other' }] });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} retryReplies />);
    expect(screen.queryByRole('button', { name: /Try again/ })).toBeNull();
    hook({ messages: [message({ mine: true }), { ...failed, id: '44444444-4444-4444-8444-444444444444', key: 'offline' }], connection: { status: 'reconnecting', attempt: 1, nextRetryAt: null, reason: null } });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} retryReplies />);
    expect(screen.queryByRole('button', { name: /Try again/ })).toBeNull();
    // Nor in a shared conversation (the page does not ask for it there).
    hook({ messages: [message({ mine: true }), { ...failed, id: '55555555-5555-4555-8555-555555555555', key: 'post' }] });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    expect(screen.queryByRole('button', { name: /Try again/ })).toBeNull();
  });

  it('says under my question when the agent could not answer it, and offers "Try again" on it, in a post too', () => {
    const question = message({ mine: true, content: '@ada Hello?' });
    const before = [message({ author: ada, content: 'Earlier answer' }), question];
    // Before the server says so the reply may only be late: nothing is said.
    hook({ messages: before });
    const { rerender } = renderConversation();
    expect(screen.queryByText("The agent couldn't answer this.")).toBeNull();

    const result = hook({ messages: before, unanswered: question.id });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    expect(screen.getByText("The agent couldn't answer this.")).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(result.retryReply).toHaveBeenCalledWith(question.id);

    // The reply on its way (here: one streaming) takes the words and the button away.
    hook({ messages: [...before, message({ author: ada, status: 'streaming', content: '' })], unanswered: question.id });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    expect(screen.queryByText("The agent couldn't answer this.")).toBeNull();
  });

  it('explains stopped and interrupted replies', () => {
    hook({
      messages: [message({ author: ada, status: 'stopped', content: 'Half' }), message({ author: ada, status: 'interrupted', content: 'Cut' })],
    });
    renderConversation();
    expect(screen.getByText('Stopped')).toBeTruthy();
    expect(screen.getByText('Interrupted — the reply was cut off')).toBeTruthy();
  });

  it('shows visitors a sign-in link instead of the composer when they cannot write', () => {
    hook({ canWrite: false, identity: { kind: 'visitor', id: '44444444-4444-4444-8444-444444444444', display_name: 'Guest' } });
    renderConversation({ signInHref: '/signin?next=%2Fposts%2Fwriting-coach' });

    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
    const link = screen.getByRole('link', { name: 'Sign in to join the conversation' });
    expect(link.getAttribute('href')).toBe('/signin?next=%2Fposts%2Fwriting-coach');
  });

  it('puts other errors into words in an alert', () => {
    hook({ error: { code: 'MESSAGE_TOO_LONG', message: 'too long', until: null } });
    renderConversation();
    expect(screen.getByRole('alert').textContent).toContain('That message is too long. Messages can be at most 10,000 characters.');
  });

  it('asks to sign in again when the session is gone', () => {
    hook({ signInRequired: true });
    renderConversation();
    expect(screen.getByRole('alert').textContent).toBe('Your session has ended. Sign in again to keep chatting.');
  });

  it('loads older messages on request', async () => {
    const result = hook({ hasOlder: true, messages: [message()] });
    renderConversation();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Load older messages' }));
    });
    expect(result.loadOlder).toHaveBeenCalledTimes(1);
  });

  it('labels the messages the client marks as the viewer\'s "You" and everyone else by name', () => {
    // Which messages are the viewer's is decided in the chat-client reducer (see one-bubble.test.ts).
    hook({
      messages: [
        message({ author: grace, mine: true, content: 'from me' }),
        message({ author: { kind: 'user', id: '22222222-2222-4222-8222-222222222222', display_name: 'Bo' }, content: 'from Bo' }),
      ],
    });
    renderConversation();
    const [mine, theirs] = screen.getAllByRole('listitem');
    expect(mine?.getAttribute('data-mine')).toBe('true');
    expect(within(mine!).getByText('You')).toBeTruthy();
    expect(within(mine!).queryByText('Grace')).toBeNull();
    expect(theirs?.getAttribute('data-mine')).toBeNull();
    expect(within(theirs!).getByText('Bo')).toBeTruthy();
  });

  it('groups a message under the same author’s message just before it, and not under one that failed', () => {
    const mineAt = (overrides: Partial<ChatMessage>) => message({ author: grace, mine: true, ...overrides });
    const bo = { kind: 'user' as const, id: '22222222-2222-4222-8222-222222222222', display_name: 'Bo' };
    const first = message({ author: bo, content: 'from Bo' });
    const second = message({ author: bo, content: 'Bo again' });
    const sending = mineAt({ content: 'one', status: 'sending', id: null, key: 'client-1' });
    const next = mineAt({ content: 'two', status: 'sending', id: null, key: 'client-2' });
    const result = hook({ messages: [first, second, sending, next] });
    const { rerender } = renderConversation();
    const rows = () => screen.getAllByRole('listitem');
    expect(rows().map((row) => row.getAttribute('data-continued'))).toEqual([null, 'true', null, 'true']);
    // The grouped message has no avatar and no visible name, but screen readers still hear it.
    expect(within(rows()[0]!).getByText('Bo').className).not.toBe('sr-only');
    expect(within(rows()[1]!).getByText('Bo').className).toBe('sr-only');

    // My first message fails: the one after it now stands on its own, though its own message and
    // everything else given to its row (the same live content, the same callbacks) did not change.
    const failed: ChatMessage = { ...sending, status: 'failed', error: { code: 'RATE_LIMIT', message: 'Slow down.' } };
    mockedUseConversation.mockReturnValue({ ...result, state: { ...result.state, messages: [first, second, failed, next] } });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    expect(rows().map((row) => row.getAttribute('data-continued'))).toEqual([null, 'true', null, null]);
  });

  it("shows each token of a streaming reply from its live text, with no new conversation state, and the finished text from the state", () => {
    const reply = message({ author: ada, content: 'Once', status: 'streaming' });
    const result = hook({ messages: [message({ content: 'Tell me a story' }), reply] });
    let text = wholeText('Once');
    const listeners = new Set<() => void>();
    result.liveContent = {
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      read: (key) => (key === reply.key ? text : undefined),
    };
    const { rerender } = renderConversation();
    expect(screen.getByText('Once')).toBeTruthy();

    // A token comes as the piece it added to the text drawn before it.
    act(() => {
      text = { text: 'Once upon a time', added: ' upon a time', previous: text };
      listeners.forEach((listener) => listener());
    });
    expect(screen.getByText('Once upon a time')).toBeTruthy();

    // Done: the row shows the stored text, whatever the live source last said.
    hook({ messages: [message({ content: 'Tell me a story' }), { ...reply, status: 'complete', content: 'The end.' }] });
    rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    expect(screen.getByText('The end.')).toBeTruthy();
    expect(screen.queryByText('Once upon a time')).toBeNull();
    expect(screen.queryByTestId('streaming-caret')).toBeNull();
  });

  /** A streaming reply with live text, drawn by the streaming renderer; `end` finishes it with `content`. */
  async function streamReply(streamedText: string) {
    const question = message({ content: 'Tell me a story' });
    const reply = message({ author: ada, content: '', status: 'streaming' });
    const result = hook({ messages: [question, reply] });
    const liveContent: LiveContent = {
      subscribe: () => () => undefined,
      read: (key) => (key === reply.key ? wholeText(streamedText) : undefined),
    };
    result.liveContent = liveContent;
    const { rerender } = renderConversation();
    await screen.findByTestId('streaming-caret');
    const end = (content: string) => {
      hook({ messages: [question, { ...reply, status: 'complete', content }] }).liveContent = liveContent;
      rerender(<Conversation conversationId={CONVERSATION_ID} initialMessages={[]} initialHasOlder={false} />);
    };
    return { end, replyRow: () => screen.getAllByRole('listitem').at(-1) };
  }

  it('keeps a finished reply as it was drawn while it streamed: text the reader selected in it stays selected', async () => {
    const { end, replyRow } = await streamReply('Once upon a **time**, a story.');
    const selection = window.getSelection();
    const range = document.createRange();
    range.selectNodeContents(replyRow()?.querySelector('p') ?? document.body);
    selection?.removeAllRanges();
    selection?.addRange(range);
    expect(selection?.toString()).toBe('Once upon a time, a story.');

    act(() => end('Once upon a **time**, a story.'));
    expect(screen.queryByTestId('streaming-caret')).toBeNull();
    expect(replyRow()?.querySelector('strong')?.textContent).toBe('time');
    expect(replyRow()?.getAttribute('data-status')).toBe('complete');
    expect(selection?.toString()).toBe('Once upon a time, a story.');
  });

  it('draws a finished reply anew when the streamed drawing cannot stand for it (an autolink only a finished parse reads)', async () => {
    const { end, replyRow } = await streamReply('Go to <https://example.com/docs> now.');
    expect(replyRow()?.querySelector('a')).toBeNull();
    act(() => end('Go to <https://example.com/docs> now.'));
    await waitFor(() => expect(replyRow()?.querySelector('a')?.getAttribute('href')).toBe('https://example.com/docs'));
    expect(screen.queryByTestId('streaming-caret')).toBeNull();
  });

  it('draws a streaming reply as markdown, with the caret after its text (the renderer loads on demand)', async () => {
    hook({ messages: [message({ author: ada, content: 'Thinking about **this**', status: 'streaming' })] });
    renderConversation();
    const caret = await screen.findByTestId('streaming-caret');
    expect(caret.closest('p')?.textContent).toBe('Thinking about this');
    expect(caret.closest('p')?.querySelector('strong')?.textContent).toBe('this');
  });

  it('renders a window of a long conversation — the newest messages — and says where each row is in the whole', () => {
    const messages = Array.from({ length: 5_000 }, (_, i) => message({ content: `Message number ${i + 1}` }));
    hook({ messages });
    renderConversation();
    const items = screen.getAllByRole('listitem');
    // Of 5,000. jsdom measures rows as 0 px high, so each takes only the 4 px between a group's rows:
    // many more than a browser's ~20, still a window.
    expect(items.length).toBeLessThan(200);
    const last = items[items.length - 1]!;
    expect(within(last).getByText('Message number 5000')).toBeTruthy();
    expect([last.getAttribute('aria-posinset'), last.getAttribute('aria-setsize')]).toEqual(['5000', '5000']);
  });
});
