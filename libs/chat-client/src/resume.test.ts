import { createConversationController } from './controller';
import { createOutbox, type KeyValueStorage } from './outbox';
import { createInitialState } from './reducer';
import { createConversationStore } from './store';
import { CONVERSATION_ID, ME, agentMessage, frames, message } from './test-fixtures';

/**
 * A reply can end while the socket is down (network cut, server restart or kill -9). The stored
 * copy then says `complete` / `interrupted`, and the reader must see that after reconnecting —
 * not a reply that looks like it is still being typed, forever.
 */

function memoryStorage(): KeyValueStorage {
  const memory = new Map<string, string>();
  return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v), removeItem: (k) => void memory.delete(k) };
}

function connectedController(initialMessages: Parameters<typeof createInitialState>[0]['initialMessages']) {
  const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID, initialMessages, initialIdentity: ME }), () => () => undefined);
  const controller = createConversationController({
    conversationId: CONVERSATION_ID,
    store,
    outbox: createOutbox(CONVERSATION_ID, memoryStorage()),
    appType: 'social',
    isUnmounted: () => false,
  });
  const sent: unknown[] = [];
  controller.attach({ send: (f) => sent.push(f), current: () => null });
  controller.mount();
  return { store, controller, sent };
}

describe('resuming after a reply ended while we were away', () => {
  it('asks the server again for the reply it still shows as streaming, and shows how it ended', () => {
    const { store, controller, sent } = connectedController([message(1), agentMessage(2, { content: 'Half a tho' })]);
    try {
      controller.handleFrame(frames.connected(3));
      expect(sent[0]).toEqual({ event: 'sync', data: { after_seq: 1 } });

      controller.handleFrame(frames.sync([agentMessage(2, { status: 'interrupted', content: 'Half a thought' }), message(3)], 3));
      const reply = store.getState().messages.find((m) => m.seq === 2);
      expect(reply).toMatchObject({ status: 'interrupted', content: 'Half a thought' });
      expect(store.getState().messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    } finally {
      controller.unmount();
    }
  });

  it('with nothing streaming, resumes from the last seq it holds', () => {
    const { controller, sent } = connectedController([message(1), agentMessage(2, { status: 'complete', content: 'Done.' })]);
    try {
      controller.handleFrame(frames.connected(2));
      expect(sent[0]).toEqual({ event: 'sync', data: { after_seq: 2 } });
    } finally {
      controller.unmount();
    }
  });
});
