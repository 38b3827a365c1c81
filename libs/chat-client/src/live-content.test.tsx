/** @jest-environment jsdom */
import { act, renderHook } from '@testing-library/react';
import { liveContentOf, useLiveContent } from './live-content';
import { createInitialState } from './reducer';
import { createConversationStore } from './store';
import { CONVERSATION_ID, T0, agentMessage, frames, manualFrames, uuid } from './test-fixtures';

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

describe('live content of a streaming reply', () => {
  it('reads the published text of a message by key, and nothing for a message it does not hold', () => {
    const { store, publish } = storeWithReply();
    const live = liveContentOf(store);
    expect(live.get(uuid(1))).toBe('Once');
    store.dispatch({ type: 'frame', frame: frames.stream(1, 'Once upon'), now: T0 });
    expect(live.get(uuid(1))).toBe('Once'); // what React was last told
    publish();
    expect(live.get(uuid(1))).toBe('Once upon');
    expect(live.get(uuid(99))).toBeUndefined();
  });

  it("follows a streaming reply's tokens without its caller re-rendering", () => {
    const { store, publish } = storeWithReply();
    const live = liveContentOf(store);
    const reply = store.getSnapshot().messages[0]!;
    const { result } = renderHook(() => useLiveContent(live, reply));
    expect(result.current).toBe('Once');
    act(() => {
      store.dispatch({ type: 'frame', frame: frames.stream(1, 'Once upon'), now: T0 });
      publish();
    });
    expect(result.current).toBe('Once upon');
    act(() => {
      store.dispatch({ type: 'frame', frame: frames.stream(1, 'Once upon a time'), now: T0 });
      publish();
    });
    // `reply` (the caller's prop) still says "Once": the text came from the store.
    expect(result.current).toBe('Once upon a time');
  });

  it('shows a finished message as given, without subscribing to the store', () => {
    const { store } = storeWithReply();
    const subscribe = jest.spyOn(store, 'subscribe');
    const live = liveContentOf(store);
    const { result } = renderHook(() => useLiveContent(live, { key: uuid(1), content: 'Done text', status: 'complete' }));
    expect(result.current).toBe('Done text');
    expect(subscribe).not.toHaveBeenCalled();
  });

  it('shows the given text when there is no live source', () => {
    const { result } = renderHook(() => useLiveContent(undefined, { key: uuid(1), content: 'Plain', status: 'streaming' }));
    expect(result.current).toBe('Plain');
  });
});
