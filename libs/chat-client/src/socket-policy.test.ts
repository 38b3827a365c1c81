import { CloseCode, TERMINAL_CLOSE_CODES } from '@confab/protocol';
import {
  SESSION_EXPIRED_FAST_RETRY_WINDOW_MS,
  closeReasonWords,
  reconnectIntervalFor,
  shouldReconnectAfterClose,
} from './socket-policy';

describe('shouldReconnectAfterClose', () => {
  const live = { unmounted: false, signInRequired: false };

  it.each([...TERMINAL_CLOSE_CODES])('does not reconnect after terminal close code %i', (closeCode) => {
    expect(shouldReconnectAfterClose({ ...live, closeCode })).toBe(false);
  });

  it.each([1001, 1006, 1011, CloseCode.SESSION_EXPIRED, CloseCode.TRY_AGAIN_LATER])('reconnects after %i', (closeCode) => {
    expect(shouldReconnectAfterClose({ ...live, closeCode })).toBe(true);
  });

  it('never reconnects after unmount or when a sign in is required', () => {
    expect(shouldReconnectAfterClose({ unmounted: true, signInRequired: false, closeCode: 1006 })).toBe(false);
    expect(shouldReconnectAfterClose({ unmounted: false, signInRequired: true, closeCode: 1006 })).toBe(false);
  });
});

describe('reconnectIntervalFor', () => {
  it('uses the backoff for ordinary closes', () => {
    expect(reconnectIntervalFor({ attempt: 3, lastCloseCode: 1006, sinceLastFastRetryMs: null, random: () => 0 })).toBe(4_000);
  });

  it('reconnects at once after 4408 (session expired): a fresh ticket is all it needs', () => {
    expect(reconnectIntervalFor({ attempt: 3, lastCloseCode: CloseCode.SESSION_EXPIRED, sinceLastFastRetryMs: null })).toBe(0);
  });

  it('backs off when 4408 repeats right after an immediate retry', () => {
    const input = { attempt: 0, lastCloseCode: CloseCode.SESSION_EXPIRED, random: () => 0 };
    expect(reconnectIntervalFor({ ...input, sinceLastFastRetryMs: 500 })).toBe(500);
    expect(reconnectIntervalFor({ ...input, sinceLastFastRetryMs: SESSION_EXPIRED_FAST_RETRY_WINDOW_MS })).toBe(0);
  });
});

describe('closeReasonWords', () => {
  it('explains each close in words', () => {
    expect(closeReasonWords(CloseCode.NOT_FOUND)).toMatch(/doesn't exist/);
    expect(closeReasonWords(CloseCode.FORBIDDEN)).toMatch(/access/);
    expect(closeReasonWords(1006)).toBe('Connection lost.');
  });

  it('says the server cannot be reached when a socket closes abnormally before the server said "connected"', () => {
    // Refused, no route, server down: the browser gives 1006 and the socket never worked.
    expect(closeReasonWords(1006, false)).toBe("Can't reach the chat server.");
    expect(closeReasonWords(1006, true)).toBe('Connection lost.');
    // A close the server sent is no network trouble, opened or not.
    expect(closeReasonWords(CloseCode.TRY_AGAIN_LATER, false)).toBe('The server is busy.');
    expect(closeReasonWords(CloseCode.NOT_FOUND, false)).toMatch(/doesn't exist/);
  });
});
