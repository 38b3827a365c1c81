import { liveContentOf } from './live-content';
import { createConversationStore } from './store';
import { createInitialState } from './reducer';
import { textOf } from './streamed-text';
import { CONVERSATION_ID, OTHER, T0, agentMessage, frames, manualFrames } from './test-fixtures';

describe('conversation store', () => {
  it('publishes the first change at the end of its task, then at most once per animation frame', () => {
    const frame = manualFrames();
    const task = manualFrames();
    const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID }), frame.schedule, task.schedule);
    const listener = jest.fn();
    store.subscribe(listener);

    // One task delivers the reply's first frames: React hears of them once, when the task ends.
    store.dispatch({ type: 'frame', frame: frames.message(agentMessage(1)), now: T0 });
    store.dispatch({ type: 'frame', frame: frames.stream(1, 'x'), now: T0 });
    expect(store.getSnapshot().messages).toHaveLength(0);
    task.fire();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot().messages[0]?.content).toBe('x');

    // A burst in the same frame: every frame is reduced at once, published at the next frame.
    for (let i = 2; i <= 30; i += 1) store.dispatch({ type: 'frame', frame: frames.stream(1, 'x'.repeat(i)), now: T0 });
    const current = store.getState(); // current for the hook's decisions
    expect(current.messages[0] && textOf(current, current.messages[0])).toBe('x'.repeat(30));
    expect(task.pending()).toBe(0);
    expect(listener).toHaveBeenCalledTimes(1);
    frame.fire();
    expect(listener).toHaveBeenCalledTimes(2);
    const live = liveContentOf(store);
    const key = store.getState().messages[0]?.key ?? '';
    expect(live.read(key)?.text).toBe('x'.repeat(30));

    // That frame published, so a change arriving after it waits for the following frame.
    store.dispatch({ type: 'frame', frame: frames.stream(1, 'x'.repeat(31)), now: T0 });
    expect(task.pending()).toBe(0);
    frame.fire();
    expect(listener).toHaveBeenCalledTimes(3);

    // A frame with nothing new ends the window: the next change is published when its task ends.
    frame.fire();
    expect(frame.pending()).toBe(0);
    store.dispatch({ type: 'frame', frame: frames.stream(1, 'x'.repeat(32)), now: T0 });
    expect(task.pending()).toBe(1);
    task.fire();
    expect(listener).toHaveBeenCalledTimes(4);
    expect(live.read(key)?.text).toBe('x'.repeat(32));
  });

  it('schedules nothing for actions that change nothing', () => {
    const frame = manualFrames();
    const task = manualFrames();
    const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID }), frame.schedule, task.schedule);
    store.dispatch({ type: 'tick', now: T0 });
    expect(frame.pending() + task.pending()).toBe(0);
  });

  it('flush publishes immediately and dispose cancels a pending frame', () => {
    const frame = manualFrames();
    const task = manualFrames();
    const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID }), frame.schedule, task.schedule);
    store.dispatch({ type: 'signInRequired' });
    store.flush();
    expect(store.getSnapshot().signInRequired).toBe(true);
    store.dispatch({ type: 'errorShown', error: { code: 'INTERNAL_ERROR', message: 'x', until: null } });
    store.dispose();
    expect(frame.pending() + task.pending()).toBe(0);
    expect(store.getSnapshot().error).toBeNull();
  });

  it("gives React's snapshot no change while only a streaming reply's text grows; live readers get every token", () => {
    const frame = manualFrames();
    const task = manualFrames();
    const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID }), frame.schedule, task.schedule);
    store.dispatch({ type: 'frame', frame: frames.message(agentMessage(1, { content: 'Once' })), now: T0 });
    store.dispatch({ type: 'frame', frame: frames.stream(1, 'Once upon'), now: T0 });
    task.fire();
    const rendered = store.getSnapshot();
    expect(rendered.messages[0]?.status).toBe('streaming');

    // Tokens: React's snapshot stays the same object (no render), the live snapshot has the text.
    store.dispatch({ type: 'frame', frame: frames.stream(1, 'Once upon a', ' a'), now: T0 });
    frame.fire();
    store.dispatch({ type: 'frame', frame: frames.stream(1, 'Once upon a time', ' time'), now: T0 });
    frame.fire();
    expect(store.getSnapshot()).toBe(rendered);
    expect(liveContentOf(store).read(rendered.messages[0]?.key ?? '')?.text).toBe('Once upon a time');

    // Anything else in the same window (someone typing) is React's again, with the text so far.
    store.dispatch({ type: 'frame', frame: frames.stream(1, 'Once upon a time there', ' there'), now: T0 });
    store.dispatch({ type: 'frame', frame: frames.typing(OTHER, 'start'), now: T0 });
    frame.fire();
    expect(store.getSnapshot()).not.toBe(rendered);
    expect(store.getSnapshot().messages[0]?.content).toBe('Once upon a time there');

    // The reply ends: React gets the finished text.
    store.dispatch({ type: 'frame', frame: frames.done(1, 'Once upon a time there was'), now: T0 });
    frame.fire();
    expect(store.getSnapshot().messages[0]).toMatchObject({ status: 'complete', content: 'Once upon a time there was' });
  });
});
