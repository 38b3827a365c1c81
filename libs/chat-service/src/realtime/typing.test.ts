import { TypingTracker } from './typing';

describe('TypingTracker', () => {
  it('relays the first start and drops further starts within the minimum interval', () => {
    const tracker = new TypingTracker(1000, 5000);
    expect(tracker.start('a', 0)).toEqual({ relay: true, state: 'start', autoStopAt: 5000 });
    expect(tracker.start('a', 400)).toEqual({ relay: false });
    expect(tracker.start('a', 999)).toEqual({ relay: false });
    expect(tracker.start('a', 1000)).toEqual({ relay: true, state: 'start', autoStopAt: 6000 });
  });

  it('throttles each key on its own', () => {
    const tracker = new TypingTracker(1000, 5000);
    expect(tracker.start('a', 0).relay).toBe(true);
    expect(tracker.start('b', 10).relay).toBe(true);
  });

  it('relays a stop only after a relayed start, once', () => {
    const tracker = new TypingTracker(1000, 5000);
    expect(tracker.stop('a')).toEqual({ relay: false });
    tracker.start('a', 0);
    expect(tracker.stop('a')).toEqual({ relay: true, state: 'stop' });
    expect(tracker.stop('a')).toEqual({ relay: false });
    // after a stop, a new start is relayed immediately even within the interval
    expect(tracker.start('a', 100).relay).toBe(true);
  });

  it('auto-stops only when the deadline of the last relayed start has passed', () => {
    const tracker = new TypingTracker(1000, 5000);
    tracker.start('a', 0);
    tracker.start('a', 2000);
    expect(tracker.expire('a', 5000)).toEqual({ relay: false });
    expect(tracker.isTyping('a')).toBe(true);
    expect(tracker.expire('a', 7000)).toEqual({ relay: true, state: 'stop' });
    expect(tracker.isTyping('a')).toBe(false);
  });
});
