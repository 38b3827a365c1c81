import { liveContentOf } from './live-content';
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
});
