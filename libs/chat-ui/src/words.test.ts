import { ErrorCode, type Identity, type PresenceData } from '@confab/protocol';
import { calendarDay, connectionWords, errorText, messageTime, presenceText, secondsUntil, typingText } from './words';
import { safeNextPath } from './api-client';
import { authErrorText, validateAuthForm, waitText } from './auth-form-validation';

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

describe('presenceText', () => {
  const person = (n: number, name: string): Identity => ({ kind: 'user', id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, display_name: name });
  const [ada, bo, cy, di, ed] = [person(1, 'Ada'), person(2, 'Bo'), person(3, 'Cy'), person(4, 'Di'), person(5, 'Ed')];
  const visitor: Identity = { kind: 'visitor', id: '00000000-0000-4000-8000-000000000099', display_name: 'Visitor' };
  const presence = (people: Identity[], guests = 0, peopleCount = people.length): PresenceData => ({ conversation_id: '00000000-0000-4000-8000-000000000100', version: 1, people, people_count: peopleCount, guests });

  it.each<[string, PresenceData, Identity | null, string | null]>([
    ['only the viewer', presence([ada]), ada, null],
    ['one other person', presence([ada, bo]), ada, 'Here now: Bo'],
    ['two others', presence([ada, bo, cy]), bo, 'Here now: Ada and Cy'],
    ['three others', presence([ada, bo, cy, di]), ada, 'Here now: Bo, Cy and Di'],
    ['more than three others', presence([ada, bo, cy, di, ed]), ada, 'Here now: Bo, Cy, Di and 1 other'],
    ['more people than the frame names', presence([ada, bo], 0, 30), ada, 'Here now: Bo and 28 others'],
    ['the frame from before the viewer was counted (as they join)', presence([ada]), bo, 'Here now: Ada'],
    ['a full list without the viewer: they may be among the unnamed', presence([ada, bo], 0, 30), cy, 'Here now: Ada, Bo and 27 others'],
    ['guests, for a signed-in viewer', presence([ada, bo], 2), ada, 'Here now: Bo · 2 guests'],
    ['a visitor viewing: one of the guests', presence([ada], 1), visitor, 'Here now: Ada'],
    ['a reader with no session among guests', presence([], 3), null, 'Here now: 2 guests'],
    ['a reader with no session, alone', presence([], 1), null, null],
  ])('%s', (_case, data, viewer, text) => {
    expect(presenceText(data, viewer)).toBe(text);
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
  const base = { online: true, secondsToRetry: 0, reason: null, attempt: 1 };
  it('says Connected, Reconnecting in N s, and offers Reconnect only after giving up', () => {
    expect(connectionWords({ ...base, status: 'open' })).toEqual({ text: 'Connected', canReconnect: false });
    expect(connectionWords({ ...base, status: 'reconnecting', secondsToRetry: 8 }).text).toBe('Reconnecting in 8\u00a0s');
    expect(connectionWords({ ...base, status: 'failed' })).toMatchObject({ canReconnect: true, reconnectLabel: 'Reconnect' });
  });

  it('offers "Retry now" while a backoff has 3 s or more to run, not for a short one', () => {
    expect(connectionWords({ ...base, status: 'reconnecting', secondsToRetry: 17 })).toEqual({ text: 'Reconnecting in 17\u00a0s', canReconnect: true, reconnectLabel: 'Retry now' });
    expect(connectionWords({ ...base, status: 'reconnecting', secondsToRetry: 2 }).canReconnect).toBe(false);
  });

  it('keeps "Retry now" from the third attempt on, through the last seconds of each wait: it does not come and go under a finger', () => {
    for (const secondsToRetry of [3, 2, 1, 0]) {
      expect(connectionWords({ ...base, status: 'reconnecting', attempt: 3, secondsToRetry })).toMatchObject({ canReconnect: true, reconnectLabel: 'Retry now' });
    }
    // The first quick retries (waits of 1–2 s) are over before a button would help.
    expect(connectionWords({ ...base, status: 'reconnecting', attempt: 2, secondsToRetry: 1 }).canReconnect).toBe(false);
  });

  it('says why it is reconnecting, when the client knows, before the countdown and "Retry now"', () => {
    const unreachable = { ...base, status: 'reconnecting' as const, reason: "Can't reach the chat server." };
    expect(connectionWords({ ...unreachable, secondsToRetry: 5 })).toEqual({
      text: "Can't reach the chat server. Reconnecting in 5\u00a0s",
      canReconnect: true,
      reconnectLabel: 'Retry now',
    });
    expect(connectionWords({ ...unreachable, secondsToRetry: 1 })).toEqual({ text: "Can't reach the chat server. Reconnecting in 1\u00a0s", canReconnect: false });
    expect(connectionWords({ ...unreachable, secondsToRetry: 0 }).text).toBe("Can't reach the chat server. Reconnecting…");
    expect(connectionWords({ ...unreachable, reason: 'Connection lost.', secondsToRetry: 4 }).text).toBe('Connection lost. Reconnecting in 4\u00a0s');
    // A failed ticket's own words are not a cause to show: they would contradict the countdown.
    expect(connectionWords({ ...unreachable, reason: 'Too many new guest sessions from your network. Try again in 600 s.', secondsToRetry: 1 }).text).toBe('Reconnecting in 1\u00a0s');
    // The browser knows it is offline: that says more than any server.
    expect(connectionWords({ ...unreachable, online: false, secondsToRetry: 5 }).text).toBe("Offline — messages will be sent when you're back");
  });

  it('says messages will be sent later while offline, but keeps a final close reason', () => {
    expect(connectionWords({ ...base, online: false, status: 'reconnecting' }).text).toBe("Offline — messages will be sent when you're back");
    // A socket that has not noticed yet is no reason to say "Connected".
    expect(connectionWords({ ...base, online: false, status: 'open' }).text).toBe("Offline — messages will be sent when you're back");
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
    // Dot segments that resolve to a path starting with two slashes: //evil.example again.
    ['/.//evil.example', '/'],
    ['/..//evil.example', '/'],
    ['/a/..//evil.example', '/'],
    ['/threads/..//evil.example/x?y=1', '/'],
    ['/a/../threads', '/threads'],
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

describe('messageTime', () => {
  const now = new Date('2026-11-28T21:40:00Z');
  const at = (iso: string, timeZone = 'UTC') => messageTime(iso, now, 'en-US', timeZone);

  it('shows only the clock for a message written today', () => {
    expect(at('2026-11-28T14:05:00Z')?.short).toBe('2:05 PM');
  });

  it('adds the day for an earlier day this year, and the year before that', () => {
    expect(at('2026-11-27T14:05:00Z')?.short).toBe('Nov 27, 2:05 PM');
    expect(at('2025-12-30T09:00:00Z')?.short).toBe('Dec 30, 2025, 9:00 AM');
  });

  it("decides 'today' in the reader's time zone, not UTC", () => {
    // 21:40 UTC is already Nov 29 in Tokyo; 14:05 UTC on Nov 28 is 23:05 there: yesterday.
    expect(at('2026-11-28T14:05:00Z', 'Asia/Tokyo')?.short).toBe('Nov 28, 11:05 PM');
    expect(at('2026-11-28T20:00:00Z', 'Asia/Tokyo')?.short).toBe('5:00 AM');
  });

  it('gives the clock alone for any day, for a message grouped under one that shows the day', () => {
    expect(at('2025-12-30T09:00:00Z')?.clock).toBe('9:00 AM');
  });

  it('gives the whole date for the tooltip', () => {
    expect(at('2026-11-28T14:05:00Z')?.full).toBe('Saturday, November 28, 2026 at 2:05 PM');
  });

  it('says nothing for a date it cannot read', () => {
    expect(at('not a date')).toBeNull();
  });
});

describe('calendarDay', () => {
  const intlDay = (at: Date, timeZone?: string): string => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(at);
  const moments = ['2026-11-28T00:00:00Z', '2026-11-28T11:59:59Z', '2026-11-28T12:30:00Z', '2026-11-28T23:59:59Z', '2026-02-28T23:30:00Z', '2024-02-29T12:00:00Z', '0999-01-01T12:00:00Z', '0000-06-15T12:00:00Z', '-000001-06-15T12:00:00Z', '+275760-09-13T00:00:00Z'].map((iso) => new Date(iso));

  // The runtime's zone is whatever this process runs in (jest keeps TZ as it found it).
  it.each([undefined, 'UTC', 'Pacific/Auckland', 'America/Los_Angeles'])('is the day Intl gives in the zone asked for (%s: the runtime zone when none)', (zone) => {
    for (const at of moments) expect(calendarDay(at, zone)).toBe(intlDay(at, zone));
  });

  it('throws on an unreadable date, as Intl does', () => {
    expect(() => calendarDay(new Date('not a date'))).toThrow(RangeError);
    expect(() => calendarDay(new Date('not a date'), 'UTC')).toThrow(RangeError);
  });

  it('tells a moment before midnight in Auckland from one a minute later', () => {
    expect(calendarDay(new Date('2026-11-28T10:59:00Z'), 'Pacific/Auckland')).toBe('2026-11-28');
    expect(calendarDay(new Date('2026-11-28T11:00:00Z'), 'Pacific/Auckland')).toBe('2026-11-29');
  });
});

describe('authErrorText', () => {
  it('says how long a rate limit lasts, from the server\'s wait, in words', () => {
    expect(authErrorText('signup', 'RATE_LIMIT', 'Too many new accounts from your network.', 3597)).toBe('Too many new accounts from your network. Try again in an hour.');
    expect(authErrorText('signin', 'RATE_LIMIT', 'Too many sign-in attempts.', 840)).toBe('Too many sign-in attempts. Try again in 14 minutes.');
    expect(authErrorText('signin', 'RATE_LIMIT', 'Too many sign-in attempts.')).toBe('Too many sign-in attempts. Try again later.');
  });

  it.each([
    [1, '1 second'],
    [40, '40 seconds'],
    [61, '2 minutes'],
    [3_597, 'an hour'],
    [7_300, '2 hours'],
  ])('waitText(%d) → %s', (seconds, text) => {
    expect(waitText(seconds)).toBe(text);
  });
});
