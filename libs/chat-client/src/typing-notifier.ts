import debounce from 'lodash/debounce';
import throttle from 'lodash/throttle';
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

  const start = throttle(
    () => {
      if (!channel.isOpen() || !channel.canWrite()) return;
      channel.send({ event: 'typing', data: { state: 'start' } });
      active = true;
    },
    TYPING_MIN_INTERVAL_MS,
    { leading: true, trailing: false },
  );
  const sendStop = (): void => {
    if (!active) return;
    active = false;
    if (channel.isOpen()) channel.send({ event: 'typing', data: { state: 'stop' } });
  };
  const stop = debounce(sendStop, TYPING_STOP_AFTER_MS);

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
