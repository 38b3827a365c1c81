import { createConversationStore, type FrameScheduler } from './store';
import { createInitialState } from './reducer';
import { CONVERSATION_ID, T0, agentMessage, frames } from './test-fixtures';

/** A scheduler the test fires by hand: "the next animation frame". */
function manualFrames(): { schedule: FrameScheduler; fire: () => void; pending: () => number } {
  let queue: Array<() => void> = [];
  return {
    schedule: (callback) => {
      queue.push(callback);
      return () => {
        queue = queue.filter((c) => c !== callback);
      };
    },
    fire: () => {
      const due = queue;
      queue = [];
      due.forEach((c) => c());
    },
    pending: () => queue.length,
  };
}

describe('conversation store', () => {
  it('reduces every frame at once but publishes once per animation frame', () => {
    const frame = manualFrames();
    const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID }), frame.schedule);
    const listener = jest.fn();
    store.subscribe(listener);

    store.dispatch({ type: 'frame', frame: frames.message(agentMessage(1)), now: T0 });
    for (let i = 1; i <= 30; i += 1) store.dispatch({ type: 'frame', frame: frames.stream(1, 'x'.repeat(i)), now: T0 });

    expect(store.getState().messages[0]?.content).toBe('x'.repeat(30)); // current for the hook's decisions
    expect(store.getSnapshot().messages).toHaveLength(0); // React has not been told yet
    expect(frame.pending()).toBe(1);
    expect(listener).not.toHaveBeenCalled();

    frame.fire();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot().messages[0]?.content).toBe('x'.repeat(30));
  });

  it('schedules nothing for actions that change nothing', () => {
    const frame = manualFrames();
    const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID }), frame.schedule);
    store.dispatch({ type: 'tick', now: T0 });
    expect(frame.pending()).toBe(0);
  });

  it('flush publishes immediately and dispose cancels a pending frame', () => {
    const frame = manualFrames();
    const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID }), frame.schedule);
    store.dispatch({ type: 'signInRequired' });
    store.flush();
    expect(store.getSnapshot().signInRequired).toBe(true);
    store.dispatch({ type: 'errorShown', error: { code: 'INTERNAL_ERROR', message: 'x', until: null } });
    store.dispose();
    expect(frame.pending()).toBe(0);
  });
});
