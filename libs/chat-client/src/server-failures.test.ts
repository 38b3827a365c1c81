/** @jest-environment jsdom */
import type { ClientFrame } from '@confab/protocol';
import { createConversationController, TEMPORARY_FAILURE_RETRIES } from './controller';
import { createOutbox, type KeyValueStorage } from './outbox';
import { createInitialState } from './reducer';
import { createConversationStore } from './store';
import { CONVERSATION_ID, frames, message } from './test-fixtures';

/**
 * The server failing (not refusing): a sync it could not answer, a message it could not store. The
 * controller against a recording socket and fake timers; nothing else is stood in for.
 */
describe('when the server fails, nothing waits for good and nothing is lost', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setUp(held = [message(1), message(2)]) {
    const memory = new Map<string, string>();
    const storage: KeyValueStorage = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v), removeItem: (k) => void memory.delete(k) };
    const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID, initialMessages: held }), () => () => undefined);
    const outbox = createOutbox(CONVERSATION_ID, storage);
    let ids = 0;
    const controller = createConversationController({
      conversationId: CONVERSATION_ID,
      store,
      outbox,
      appType: 'social',
      isUnmounted: () => false,
      random: () => 0.5,
      newClientMessageId: () => `client-${String((ids += 1)).padStart(4, '0')}`,
    });
    const sent: ClientFrame[] = [];
    controller.attach({ send: (frame) => sent.push(frame), current: () => null });
    store.dispatch({ type: 'connection', connection: { status: 'open', attempt: 0, nextRetryAt: null, reason: null } });
    return { store, controller, sent, storage };
  }

  it('asks for a sync again after the server failed to answer one, and the hole is filled', () => {
    const { store, controller, sent } = setUp();
    controller.handleFrame(frames.connected(5)); // 3..5 were written while we were away
    expect(sent.filter((f) => f.event === 'sync')).toEqual([{ event: 'sync', data: { after_seq: 2 } }]);
    controller.handleFrame(frames.error('INTERNAL_ERROR', { message: 'Something went wrong on the server. Try again.' }));
    controller.handleFrame(frames.message(message(6)));
    jest.advanceTimersByTime(2_000);
    expect(sent.filter((f) => f.event === 'sync')).toHaveLength(2);
    controller.handleFrame(frames.sync([message(3), message(4), message(5), message(6)], 6));
    expect(store.getState().messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.getState().lastSeq).toBe(6);
  });

  const afterReload = async (storage: KeyValueStorage): Promise<string[]> => {
    const outbox = createOutbox(CONVERSATION_ID, storage);
    await outbox.ready;
    return outbox.entries().map((e) => e.content);
  };

  it('keeps a message the server failed to store, sends it again, and a reload still has it', async () => {
    const { store, controller, sent, storage } = setUp();
    controller.handleFrame(frames.connected(2));
    expect(controller.send('important text').ok).toBe(true);
    controller.handleFrame(frames.error('INTERNAL_ERROR', { client_message_id: 'client-0001' }));
    expect(store.getState().messages.at(-1)).toMatchObject({ status: 'queued', content: 'important text' });
    expect(await afterReload(storage)).toEqual(['important text']);
    const writes = () => sent.filter((f) => f.event === 'action' && f.data.action === 'next').length;
    expect(writes()).toBe(1);
    jest.advanceTimersByTime(1_000);
    expect(writes()).toBe(2);
    controller.handleFrame(frames.ack('client-0001', 3));
    expect(store.getState().messages.at(-1)).toMatchObject({ status: 'complete', seq: 3 });
    expect(await afterReload(storage)).toEqual([]);
  });

  it('after a failed sync, a new socket still catches up at once (the retry does not hold it back)', () => {
    const { store, controller, sent } = setUp();
    controller.handleFrame(frames.connected(5));
    controller.handleFrame(frames.error('INTERNAL_ERROR'));
    // The socket goes, a new one opens before the retry's time.
    controller.onClose(new CloseEvent('close', { code: 1006 }));
    store.dispatch({ type: 'connection', connection: { status: 'open', attempt: 0, nextRetryAt: null, reason: null } });
    controller.handleFrame(frames.connected(6));
    expect(sent.filter((f) => f.event === 'sync')).toHaveLength(2);
  });

  it('shows a message as not sent when the server keeps failing it, still kept for a reload', async () => {
    const { store, controller, sent, storage } = setUp();
    controller.handleFrame(frames.connected(2));
    controller.send('important text');
    for (let failure = 0; failure <= TEMPORARY_FAILURE_RETRIES; failure += 1) {
      controller.handleFrame(frames.error('INTERNAL_ERROR', { client_message_id: 'client-0001', message: 'Something went wrong on the server. Try again.' }));
      jest.advanceTimersByTime(30_000);
    }
    expect(store.getState().messages.at(-1)).toMatchObject({ status: 'failed', content: 'important text' });
    expect(await afterReload(storage)).toEqual(['important text']);
    // Left alone until the person asks: the next message does not take it along.
    const writesOf = (id: string) => sent.filter((f) => f.event === 'action' && f.data.action === 'next' && f.data.client_message_id === id).length;
    const before = writesOf('client-0001');
    controller.send('another');
    expect(writesOf('client-0001')).toBe(before);
    expect(store.getState().messages.find((m) => m.client_message_id === 'client-0001')).toMatchObject({ status: 'failed' });
    // Retry: written again, with a fresh count of failures (one more failure waits, it does not fail at once).
    expect(controller.retry('client-0001').ok).toBe(true);
    expect(writesOf('client-0001')).toBe(before + 1);
    controller.handleFrame(frames.error('INTERNAL_ERROR', { client_message_id: 'client-0001' }));
    expect(store.getState().messages.find((m) => m.client_message_id === 'client-0001')).toMatchObject({ status: 'queued' });
  });
});
