import type { Identity, Message } from '@confab/protocol';
import { createConversationController } from './controller';
import { createOutbox, type KeyValueStorage } from './outbox';
import { conversationReducer, createInitialState, type ConversationAction, type ConversationStoreState } from './reducer';
import { createConversationStore } from './store';
import { CONVERSATION_ID, ME, OTHER, T0, cid, frames, message, uuid } from './test-fixtures';

/**
 * One message, one bubble: a message we wrote is the same message whether it is our local copy,
 * the ack, the broadcast, a sync page, a history page or the server-rendered history after a
 * reload — matched by server id and by client_message_id in every path. And a stored message by
 * the viewer is shown as theirs ("You") from the first paint, not only once the socket says so.
 */

const byMe = { kind: ME.kind, id: ME.id, display_name: ME.display_name };
/** Our message n, stored with seq `seq`. */
const mineStored = (seq: number, n: number, overrides: Partial<Message> = {}): Message =>
  message(seq, { client_message_id: cid(n), author: byMe, content: `mine ${n}`, ...overrides });
const entry = (n: number) => ({ client_message_id: cid(n), content: `mine ${n}`, created_at: new Date(T0).toISOString() });
const frame = (f: Parameters<typeof frames.message>[0] extends Message ? ReturnType<typeof frames.message> : never): ConversationAction => ({
  type: 'frame',
  frame: f,
  now: T0,
});
const reduceAll = (state: ConversationStoreState, actions: ConversationAction[]) => actions.reduce(conversationReducer, state);
/** What a person sees: one line per bubble, "author: text". */
const seen = (state: ConversationStoreState): string[] =>
  state.messages.map((m) => `${m.mine ? 'You' : m.author.display_name}: ${m.content}`);

const reloaded = (initialMessages: Message[], viewer: Identity | null = ME) =>
  createInitialState({ conversationId: CONVERSATION_ID, initialMessages, initialIdentity: viewer });

describe('one bubble per message we wrote', () => {
  it('after a reload, the server-rendered history shows our message as "You" before the socket connects', () => {
    const state = reloaded([message(1), mineStored(2, 1)]);
    expect(seen(state)).toEqual(['Grace: message 1', 'You: mine 1']);
  });

  it('after a reload, an outbox entry the server already stored is not shown a second time', () => {
    const state = conversationReducer(reloaded([message(1), mineStored(2, 1)]), { type: 'outboxRestored', entries: [entry(1)] });
    expect(seen(state)).toEqual(['Grace: message 1', 'You: mine 1']);
  });

  it.each([
    ['ack (duplicate) first', [frames.ack(cid(1), 2, true), frames.sync([mineStored(2, 1)], 2)]],
    ['sync first', [frames.sync([mineStored(2, 1)], 2), frames.ack(cid(1), 2, true)]],
    ['broadcast, then ack', [frames.message(mineStored(2, 1)), frames.ack(cid(1), 2)]],
  ])('an outbox entry stored before the reload but missing from the rendered page: %s → one bubble', (_name, incoming) => {
    let state = conversationReducer(reloaded([message(1)]), { type: 'outboxRestored', entries: [entry(1)] });
    expect(seen(state)).toEqual(['Grace: message 1', 'You: mine 1']);
    state = reduceAll(state, [frame(frames.connected(2)), { type: 'syncRequested', afterSeq: 1 }, ...incoming.map(frame)]);
    expect(seen(state)).toEqual(['Grace: message 1', 'You: mine 1']);
    expect(state.messages[1]).toMatchObject({ id: uuid(2), seq: 2, status: 'complete' });
  });

  it('a second stored copy under the same client_message_id (a resend stored twice) stays one bubble', () => {
    const state = reduceAll(reloaded([message(1), mineStored(2, 1)]), [
      frame(frames.connected(3)),
      frame(frames.message(mineStored(3, 1, { id: uuid(33) }))),
    ]);
    expect(seen(state)).toEqual(['Grace: message 1', 'You: mine 1']);
  });

  it('an ack naming another stored id than the copy we hold under our client_message_id drops the local copy', () => {
    const state = reduceAll(reloaded([message(1)]), [
      frame(frames.connected(1)),
      { type: 'localAdded', entry: entry(1), status: 'sending' },
      frame(frames.message(mineStored(2, 1))),
      frame(frames.ack(cid(1), 3)),
    ]);
    expect(seen(state)).toEqual(['Grace: message 1', 'You: mine 1']);
  });

  it('older history pages and sync pages merge our local copy by client_message_id', () => {
    let state = conversationReducer(reloaded([message(5)]), { type: 'outboxRestored', entries: [entry(1)] });
    state = conversationReducer(state, { type: 'historyLoaded', history: { messages: [mineStored(4, 1)], has_more: false, last_seq: 5 } });
    expect(seen(state)).toEqual(['You: mine 1', 'Grace: message 5']);
  });
});

describe('"You" is decided once, in the reducer', () => {
  it('stored messages by the connected identity are ours, others are not', () => {
    const state = reduceAll(reloaded([message(1), mineStored(2, 1)], null), [frame(frames.connected(2))]);
    expect(seen(state)).toEqual(['Grace: message 1', 'You: mine 1']);
  });

  it('messages arriving live from our identity in another tab are ours', () => {
    const state = reduceAll(reloaded([message(1)]), [frame(frames.connected(1)), frame(frames.message(mineStored(2, 7)))]);
    expect(seen(state)).toEqual(['Grace: message 1', 'You: mine 7']);
  });

  it('when the socket turns out to be someone else (signed out in another tab), their name comes back', () => {
    const state = reduceAll(reloaded([message(1), mineStored(2, 1)]), [frame(frames.connected(2, { identity: OTHER }))]);
    expect(seen(state)).toEqual(['You: message 1', 'Ada: mine 1']);
  });
});

describe('outbox after a reload', () => {
  it('entries the server-rendered history already holds leave the outbox and are not sent again', async () => {
    const memory = new Map<string, string>();
    const storage: KeyValueStorage = {
      getItem: (k) => memory.get(k) ?? null,
      setItem: (k, v) => void memory.set(k, v),
      removeItem: (k) => void memory.delete(k),
    };
    const before = createOutbox(CONVERSATION_ID, storage);
    before.add(entry(1));
    before.add(entry(2));
    const store = createConversationStore(reloaded([message(1), mineStored(2, 1)]), () => () => undefined);
    const outbox = createOutbox(CONVERSATION_ID, storage);
    const controller = createConversationController({ conversationId: CONVERSATION_ID, store, outbox, appType: 'social', isUnmounted: () => false });
    const sent: unknown[] = [];
    controller.attach({ send: (f) => sent.push(f), current: () => null });
    controller.mount();
    await outbox.ready; // mount's own restore step ran first: it was registered first
    try {
      expect(seen(store.getState())).toEqual(['Grace: message 1', 'You: mine 1', 'You: mine 2']);
      controller.handleFrame(frames.connected(2));
      expect(sent).toEqual([
        { event: 'sync', data: { after_seq: 2 } },
        { event: 'action', data: { action: 'next', execution_type: 'chat', message: 'mine 2', client_message_id: cid(2) } },
      ]);
      expect(outbox.entries().map((e) => e.client_message_id)).toEqual([cid(2)]);
    } finally {
      controller.unmount();
    }
  });
});
