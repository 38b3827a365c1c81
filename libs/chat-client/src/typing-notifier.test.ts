import type { ClientFrame } from '@confab/protocol';
import { createTypingNotifier, leadingThrottle, trailingDebounce, TYPING_STOP_AFTER_MS } from './typing-notifier';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('leadingThrottle (lodash throttle, leading only)', () => {
  it('runs at once, not again within the interval, and again once it has passed', () => {
    const fn = jest.fn();
    const throttled = leadingThrottle(fn, 1_000);
    throttled();
    throttled();
    jest.advanceTimersByTime(999);
    throttled();
    expect(fn).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1);
    throttled();
    expect(fn).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(5_000);
    expect(fn).toHaveBeenCalledTimes(2); // no trailing run
  });

  it('runs at once after cancel', () => {
    const fn = jest.fn();
    const throttled = leadingThrottle(fn, 1_000);
    throttled();
    throttled.cancel();
    throttled();
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe('trailingDebounce (lodash debounce)', () => {
  it('runs once, wait ms after the last call', () => {
    const fn = jest.fn();
    const debounced = trailingDebounce(fn, 2_000);
    debounced();
    jest.advanceTimersByTime(1_500);
    debounced();
    jest.advanceTimersByTime(1_999);
    expect(fn).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(10_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not run after cancel', () => {
    const fn = jest.fn();
    const debounced = trailingDebounce(fn, 2_000);
    debounced();
    debounced.cancel();
    jest.advanceTimersByTime(10_000);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('createTypingNotifier', () => {
  it('start at once, at most once a second, stop after the last keystroke; reset cancels the stop', () => {
    const sent: string[] = [];
    const notifier = createTypingNotifier({
      isOpen: () => true,
      canWrite: () => true,
      send: (frame: ClientFrame) => sent.push(frame.event === 'typing' ? frame.data.state : frame.event),
    });
    notifier.notify();
    jest.advanceTimersByTime(500);
    notifier.notify();
    expect(sent).toEqual(['start']);
    jest.advanceTimersByTime(TYPING_STOP_AFTER_MS);
    expect(sent).toEqual(['start', 'stop']);
    notifier.notify();
    notifier.reset();
    jest.advanceTimersByTime(TYPING_STOP_AFTER_MS);
    expect(sent).toEqual(['start', 'stop', 'start']);
  });
});
