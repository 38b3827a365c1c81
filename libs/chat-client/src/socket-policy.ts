import { CloseCode, TERMINAL_CLOSE_CODES } from '@confab/protocol';
import { RECONNECT_ATTEMPTS, reconnectDelay } from './backoff';

/**
 * Decisions the hook hands to react-use-websocket, kept pure so they are tested without a socket.
 * react-use-websocket never reconnects unless `shouldReconnect` says so, and calls
 * `reconnectInterval(attempt)` with an attempt counter that starts at 0 and resets on open.
 */

export interface ReconnectInput {
  /** The component is gone: a reconnect would leak a socket nobody listens to. */
  unmounted: boolean;
  /** The ticket route answered 401: a new socket would be refused too. */
  signInRequired: boolean;
  closeCode: number;
}

export function shouldReconnectAfterClose(input: ReconnectInput): boolean {
  if (input.unmounted || input.signInRequired) return false;
  return !TERMINAL_CLOSE_CODES.has(input.closeCode);
}

/** A 4408 reconnect is immediate (a fresh ticket is all it needs), but not twice within this window. */
export const SESSION_EXPIRED_FAST_RETRY_WINDOW_MS = 10_000;

export interface IntervalInput {
  attempt: number;
  lastCloseCode: number | null;
  /** ms since the previous immediate 4408 reconnect, null if there was none. */
  sinceLastFastRetryMs: number | null;
  random?: () => number;
}

export function reconnectIntervalFor(input: IntervalInput): number {
  const fastRetryAllowed =
    input.sinceLastFastRetryMs === null || input.sinceLastFastRetryMs >= SESSION_EXPIRED_FAST_RETRY_WINDOW_MS;
  // If the server keeps saying "expired" right after a fresh ticket, back off like any failure.
  if (input.lastCloseCode === CloseCode.SESSION_EXPIRED && fastRetryAllowed) return 0;
  return reconnectDelay(input.attempt, input.random);
}

/**
 * Why the client cannot connect when no server answered at all: the ticket request got no answer
 * or a gateway's (502–504), or a socket closed abnormally (1006: refused, no route, the server
 * down) before the server said `connected`. Shown before the countdown.
 */
export const UNREACHABLE_REASON = "Can't reach the chat server.";
const CONNECTION_LOST = 'Connection lost.';
const SERVER_BUSY = 'The server is busy.';

/**
 * The reasons worth showing before a reconnect's countdown: short, and true whatever comes next. A
 * failed ticket's own words are not among them ("Too many new guest sessions… Try again in 600 s"
 * next to "Reconnecting in 1 s" would contradict the countdown).
 */
export const RECONNECT_CAUSES: ReadonlySet<string> = new Set([UNREACHABLE_REASON, CONNECTION_LOST, SERVER_BUSY]);

/**
 * A close in words. `connected`: whether the server had said `connected` on that socket, so a
 * 1006 on one that worked is a connection lost, and on one that never did, no server reached.
 * Reasons of closes that reconnect do not say "Reconnecting": the status adds it, with the countdown.
 */
export function closeReasonWords(code: number, connected = true): string {
  switch (code) {
    case CloseCode.NORMAL:
      return 'The conversation was closed.';
    case CloseCode.AUTH_FAILED:
      return 'Could not verify who you are. Reload the page to try again.';
    case CloseCode.FORBIDDEN:
      return "You don't have access to this conversation.";
    case CloseCode.NOT_FOUND:
      return "This conversation doesn't exist, or you can't see it.";
    case CloseCode.SESSION_EXPIRED:
      return 'Your connection ticket expired.';
    case CloseCode.TRY_AGAIN_LATER:
      return SERVER_BUSY;
    default:
      return code === 1006 && !connected ? UNREACHABLE_REASON : CONNECTION_LOST;
  }
}

export const GAVE_UP_REASON = `Could not reconnect after ${RECONNECT_ATTEMPTS} attempts.`;
