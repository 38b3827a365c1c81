import { ErrorCode } from '@confab/protocol';
import { connectionWords, errorText, secondsUntil, typingText } from './words';
import { safeNextPath } from './api-client';
import { validateAuthForm } from './auth-form-validation';

describe('typingText', () => {
  it.each([
    [[], ''],
    [['Ada'], 'Ada is typing…'],
    [['Ada', 'Bo'], 'Ada and Bo are typing…'],
    [['Ada', 'Bo', 'Cy'], 'Ada, Bo and Cy are typing…'],
    [['Ada', 'Bo', 'Cy', 'Di', 'Ed'], 'Ada, Bo and 3 others are typing…'],
  ])('%j → %s', (names, text) => {
    expect(typingText(names)).toBe(text);
  });
});

describe('errorText', () => {
  it('has words for every error code (never the bare code)', () => {
    for (const code of ErrorCode.options) {
      const text = errorText(code, 'detail', 3);
      expect(text.length).toBeGreaterThan(10);
      expect(text).not.toContain(code);
    }
  });

  it('counts the rate limit down in whole seconds, never showing 0', () => {
    expect(errorText('RATE_LIMIT', '', 9)).toBe("You're sending messages too fast. Try again in 9 s.");
    expect(errorText('RATE_LIMIT', '', 0)).toBe("You're sending messages too fast. Try again in 1 s.");
  });
});

describe('secondsUntil', () => {
  it('rounds up and stops at zero', () => {
    expect(secondsUntil(10_001, 0)).toBe(11);
    expect(secondsUntil(5_000, 9_000)).toBe(0);
    expect(secondsUntil(null, 0)).toBe(0);
  });
});

describe('connectionWords', () => {
  const base = { online: true, secondsToRetry: 0, reason: null };
  it('says Connected, Reconnecting in N s, and offers Reconnect only after giving up', () => {
    expect(connectionWords({ ...base, status: 'open' })).toEqual({ text: 'Connected', canReconnect: false });
    expect(connectionWords({ ...base, status: 'reconnecting', secondsToRetry: 8 }).text).toBe('Reconnecting in 8 s');
    expect(connectionWords({ ...base, status: 'failed' })).toMatchObject({ canReconnect: true, reconnectLabel: 'Reconnect' });
  });

  it('offers "Retry now" while a backoff has 3 s or more to run, not for a short one', () => {
    expect(connectionWords({ ...base, status: 'reconnecting', secondsToRetry: 17 })).toEqual({ text: 'Reconnecting in 17 s', canReconnect: true, reconnectLabel: 'Retry now' });
    expect(connectionWords({ ...base, status: 'reconnecting', secondsToRetry: 2 }).canReconnect).toBe(false);
  });

  it('says messages will be sent later while offline, but keeps a final close reason', () => {
    expect(connectionWords({ ...base, online: false, status: 'reconnecting' }).text).toBe("Offline — messages will be sent when you're back");
    expect(connectionWords({ ...base, online: false, status: 'closed', reason: 'This conversation was not found.' }).text).toBe(
      'This conversation was not found.',
    );
  });
});

describe('safeNextPath', () => {
  it.each([
    ['/threads', '/threads'],
    ['/posts/a?x=1', '/posts/a?x=1'],
    ['https://evil.example', '/'],
    ['//evil.example/path', '/'],
    ['/\\evil.example', '/'],
    // URL parsers drop tabs and newlines: each of these is //evil.example, another site.
    ['/\t/evil.example', '/'],
    ['/\n/evil.example', '/'],
    ['/\r/evil.example', '/'],
    ['\t//evil.example', '/'],
    ['/threads#latest', '/threads#latest'],
    [undefined, '/'],
  ])('%s → %s', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});

describe('validateAuthForm', () => {
  it('explains each problem in words', () => {
    expect(validateAuthForm('signup', { email: 'nope', password: 'short', display_name: ' ' })).toEqual({
      email: 'Enter a valid email address, like ada@example.com.',
      password: 'Password must be at least 8 characters.',
      display_name: 'Enter a display name (up to 60 characters).',
    });
    expect(validateAuthForm('signin', { email: 'ada@example.com', password: '', display_name: '' })).toEqual({
      password: 'Enter your password.',
    });
    expect(validateAuthForm('signup', { email: 'ada@example.com', password: 'long enough', display_name: 'Ada' })).toEqual({});
  });
});
