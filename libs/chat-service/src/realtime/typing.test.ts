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
    expect(tracker.stop('a', 0)).toEqual({ relay: false });
    tracker.start('a', 0);
    expect(tracker.stop('a', 500)).toEqual({ relay: true, state: 'stop' });
    expect(tracker.isTyping('a')).toBe(false);
    expect(tracker.stop('a', 600)).toEqual({ relay: false });
    // A start once the interval since the last one is over is relayed (stopped or not).
    expect(tracker.start('a', 1000).relay).toBe(true);
  });

  it('does not let alternating start and stop frames through faster than one start per interval', () => {
    const tracker = new TypingTracker(1000, 5000);
    const relayed = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? tracker.start('a', i * 50) : tracker.stop('a', i * 50))).filter((d) => d.relay);
    // 2 s of a frame every 50 ms: starts at 0 and 1000 ms, each with its stop.
    expect(relayed).toEqual([
      { relay: true, state: 'start', autoStopAt: 5000 },
      { relay: true, state: 'stop' },
      { relay: true, state: 'start', autoStopAt: 6000 },
      { relay: true, state: 'stop' },
    ]);
  });

  it('forgets stopped keys once their interval is over (no entry kept per person for good)', () => {
    const tracker = new TypingTracker(1000, 5000);
    tracker.start('a', 0);
    tracker.stop('a', 10);
    expect(tracker.size).toBe(1);
    tracker.start('b', 120_000); // sweeps
    expect(tracker.size).toBe(1);
    expect(tracker.isTyping('b')).toBe(true);
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

  it('lets the next start through at once after a message was sent (the throttle ends with it)', () => {
    const tracker = new TypingTracker(1000, 5000);
    tracker.start('a', 0);
    expect(tracker.stop('a', 300, true)).toEqual({ relay: true, state: 'stop' });
    expect(tracker.start('a', 500)).toEqual({ relay: true, state: 'start', autoStopAt: 5500 });
    // Typing stopped by the person (no message) still throttles the next start.
    tracker.stop('a', 600);
    expect(tracker.start('a', 900)).toEqual({ relay: false });
    // A message sent while the stop was already relayed: nothing more to relay, but the throttle ends.
    expect(tracker.stop('a', 950, true)).toEqual({ relay: false });
    expect(tracker.start('a', 1000).relay).toBe(true);
  });
});
