import { TYPING_AUTO_STOP_MS, type Identity, type ServerFrame } from '@confab/protocol';
import { TypingRelay } from './typing-relay';

const ada: Identity = { kind: 'user', id: '11111111-1111-4111-8111-111111111111', display_name: 'Ada' };
const T0 = Date.parse('2026-11-28T12:00:00Z');

describe('TypingRelay auto-stop', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(T0);
  });
  afterEach(() => jest.useRealTimers());

  function relay(): { relay: TypingRelay; states: string[] } {
    const states: string[] = [];
    const r = new TypingRelay((_conversationId, frame: ServerFrame) => {
      if (frame.event === 'typing') states.push(frame.data.state);
    });
    return { relay: r, states };
  }

  it('stops the indicator 5 s after the last start', () => {
    const { relay: r, states } = relay();
    r.update('c1', ada, 'start');
    jest.advanceTimersByTime(TYPING_AUTO_STOP_MS);
    expect(states).toEqual(['start', 'stop']);
  });

  it('still stops it when its timer fires before the clock reaches the deadline (a busy event loop)', () => {
    const { relay: r, states } = relay();
    r.update('c1', ada, 'start');
    // The wall clock is 40 ms behind the timers when they fire, as after a long task.
    jest.setSystemTime(T0 - 40);
    jest.advanceTimersByTime(TYPING_AUTO_STOP_MS);
    expect(states).toEqual(['start']);
    jest.advanceTimersByTime(40);
    expect(states).toEqual(['start', 'stop']);
  });
});
