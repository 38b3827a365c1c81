import { liveContentOf } from './live-content';
import { createInitialState } from './reducer';
import { createConversationStore } from './store';
import { textAddedSince } from './streamed-text';
import { CONVERSATION_ID, OTHER, T0, agentMessage, frames, manualFrames, uuid } from './test-fixtures';

/** A store holding one streaming agent reply, published; `publish()` delivers what was dispatched since. */
function storeWithReply() {
  const frame = manualFrames();
  const task = manualFrames();
  const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID }), frame.schedule, task.schedule);
  const publish = (): void => {
    task.fire();
    frame.fire();
  };
  store.dispatch({ type: 'frame', frame: frames.message(agentMessage(1, { content: 'Once' })), now: T0 });
  publish();
  return { store, publish };
}

/** A reader that has drawn the reply's text after its second piece ("Once upon"). */
function readerOfOnceUpon() {
  const { store, publish } = storeWithReply();
  const live = liveContentOf(store);
  store.dispatch({ type: 'frame', frame: frames.streamDelta(1, ' upon', 4), now: T0 });
  publish();
  const drawn = live.read(uuid(1));
  if (!drawn) throw new Error('the reply is held');
  return { store, publish, live, drawn };
}

describe('live content of a streaming reply', () => {
  it('reads the published text of a message by key, and nothing for a message it does not hold', () => {
    const { store, publish } = storeWithReply();
    const live = liveContentOf(store);
    expect(live.read(uuid(1))?.text).toBe('Once');
    store.dispatch({ type: 'frame', frame: frames.stream(1, 'Once upon'), now: T0 });
    expect(live.read(uuid(1))?.text).toBe('Once'); // what React was last told
    publish();
    expect(live.read(uuid(1))?.text).toBe('Once upon');
    expect(live.read(uuid(99))?.text).toBeUndefined();
  });

  it('hands a reader that kept what it drew only the pieces streamed since, however many frames were published', () => {
    const { store, publish, live, drawn } = readerOfOnceUpon();
    store.dispatch({ type: 'frame', frame: frames.streamDelta(1, ' a', 9), now: T0 });
    publish();
    store.dispatch({ type: 'frame', frame: frames.streamDelta(1, ' time', 11), now: T0 });
    store.dispatch({ type: 'frame', frame: frames.streamDelta(1, 'a time', 10), now: T0 }); // overlaps what is held: nothing new
    publish();
    const now = live.read(uuid(1));
    expect(now?.text).toBe('Once upon a time');
    expect(now && textAddedSince(now, drawn)).toBe(' a time');
    expect(now && textAddedSince(now, now)).toBe('');
    expect(now && textAddedSince(now, null)).toBe('Once upon a time'); // a reader that drew nothing yet
  });

  it('keeps handing a reader only the new pieces across the clock\'s ticks', () => {
    const { store, publish, live, drawn } = readerOfOnceUpon();
    store.dispatch({ type: 'tick', now: T0 + 1_000 });
    store.dispatch({ type: 'frame', frame: frames.streamDelta(1, ' a', 9), now: T0 });
    publish();
    const now = live.read(uuid(1));
    expect(now?.text).toBe('Once upon a');
    expect(now && textAddedSince(now, drawn)).toBe(' a');
  });

  it('tells a reader to read the text whole once it no longer continues what the reader drew', () => {
    const { store, publish, live, drawn } = readerOfOnceUpon();
    // A snapshot replaces the text: it may not begin with what was drawn.
    store.dispatch({ type: 'frame', frame: frames.stream(1, 'Once upon a time there'), now: T0 });
    publish();
    const replaced = live.read(uuid(1));
    expect(replaced && textAddedSince(replaced, drawn)).toBeNull();
    expect(replaced?.text).toBe('Once upon a time there');
    // Any other frame writes the streamed text into the list; what streams next starts a new chain.
    store.dispatch({ type: 'frame', frame: frames.typing(OTHER, 'start'), now: T0 });
    store.dispatch({ type: 'frame', frame: frames.streamDelta(1, ' was', 22), now: T0 });
    publish();
    const next = live.read(uuid(1));
    expect(next?.text).toBe('Once upon a time there was');
    expect(next && replaced && textAddedSince(next, replaced)).toBeNull();
  });
});
