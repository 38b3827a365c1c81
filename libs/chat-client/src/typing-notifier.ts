import { TYPING_MIN_INTERVAL_MS, type ClientFrame } from '@confab/protocol';

/** After the last keystroke, typing "stop" is sent this much later. */
export const TYPING_STOP_AFTER_MS = 2_000;

export interface TypingChannel {
  isOpen(): boolean;
  /** Whether this identity may write in the conversation (no typing in a read-only one). */
  canWrite(): boolean;
  send(frame: ClientFrame): void;
}

/**
 * Typing frames from keystrokes: at most one `start` per TYPING_MIN_INTERVAL_MS (the server relays
 * no more anyway), `stop` TYPING_STOP_AFTER_MS after the last keystroke, and only after a `start`.
 */
export function createTypingNotifier(channel: TypingChannel) {
  let active = false;

  const start = leadingThrottle(() => {
    if (!channel.isOpen() || !channel.canWrite()) return;
    channel.send({ event: 'typing', data: { state: 'start' } });
    active = true;
  }, TYPING_MIN_INTERVAL_MS);
  const sendStop = (): void => {
    if (!active) return;
    active = false;
    if (channel.isOpen()) channel.send({ event: 'typing', data: { state: 'stop' } });
  };
  const stop = trailingDebounce(sendStop, TYPING_STOP_AFTER_MS);

  return {
    /** A keystroke. */
    notify(): void {
      start();
      stop();
    },
    /**
     * Sending a message ends typing at once; the next keystroke starts again at once (the server
     * ends its throttle with the message, so the others see it too).
     */
    end(): void {
      stop.cancel();
      start.cancel();
      sendStop();
    },
    /** The socket went away (or the view did): nothing pending may fire, and nothing is typing. */
    reset(): void {
      start.cancel();
      stop.cancel();
      active = false;
    },
  };
}

interface Cancelable {
  (): void;
  cancel(): void;
}

/**
 * What lodash's `throttle(fn, wait, { leading: true, trailing: false })` did here: run at once,
 * then not again until `wait` ms after that run; `cancel` forgets the run, so the next call runs.
 * (lodash's debounce and throttle pulled ~1 kB gzip of helpers into every conversation page.)
 */
export function leadingThrottle(fn: () => void, wait: number): Cancelable {
  let lastRun: number | null = null;
  const throttled = (): void => {
    const now = Date.now();
    if (lastRun !== null && now - lastRun < wait) return;
    lastRun = now;
    fn();
  };
  return Object.assign(throttled, { cancel: () => void (lastRun = null) });
}

/** What lodash's `debounce(fn, wait)` did here: run `wait` ms after the last call; `cancel` drops it. */
export function trailingDebounce(fn: () => void, wait: number): Cancelable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };
  const debounced = (): void => {
    cancel();
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, wait);
  };
  return Object.assign(debounced, { cancel });
}
