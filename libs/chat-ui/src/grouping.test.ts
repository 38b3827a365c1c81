import { continuesFrom, type GroupedFields } from './grouping';

const nora = { kind: 'user', id: 'u-nora', display_name: 'Nora' } as const;
const ben = { kind: 'user', id: 'u-ben', display_name: 'Ben' } as const;
const ada = { kind: 'agent', id: null, display_name: 'Ada' } as const;

function message(author: GroupedFields['author'], created_at: string, extra: Partial<GroupedFields> = {}): GroupedFields {
  return { author, created_at, status: 'complete', error: null, ...extra };
}

describe('continuesFrom', () => {
  it('groups a message under the same author’s message written up to 5 minutes before', () => {
    expect(continuesFrom(message(nora, '2026-11-28T14:05:00Z'), message(nora, '2026-11-28T14:05:20Z'), 'UTC')).toBe(true);
    expect(continuesFrom(message(nora, '2026-11-28T14:05:00Z'), message(nora, '2026-11-28T14:10:00Z'), 'UTC')).toBe(true);
    expect(continuesFrom(message(ada, '2026-11-28T14:05:00Z'), message(ada, '2026-11-28T14:06:00Z'), 'UTC')).toBe(true);
  });

  it('does not group the first message, another author, or more than 5 minutes later', () => {
    expect(continuesFrom(undefined, message(nora, '2026-11-28T14:05:00Z'), 'UTC')).toBe(false);
    expect(continuesFrom(message(nora, '2026-11-28T14:05:00Z'), message(ben, '2026-11-28T14:05:10Z'), 'UTC')).toBe(false);
    expect(continuesFrom(message(nora, '2026-11-28T14:05:00Z'), message(ada, '2026-11-28T14:05:10Z'), 'UTC')).toBe(false);
    expect(continuesFrom(message(nora, '2026-11-28T14:05:00Z'), message(nora, '2026-11-28T14:10:01Z'), 'UTC')).toBe(false);
  });

  it('tells authors apart by kind and id, and agents also by the name they answer as', () => {
    const visitorNora = { ...nora, kind: 'visitor' } as const;
    expect(continuesFrom(message(nora, '2026-11-28T14:05:00Z'), message(visitorNora, '2026-11-28T14:05:10Z'), 'UTC')).toBe(false);
    const marco = { ...ada, display_name: 'Marco' };
    expect(continuesFrom(message(ada, '2026-11-28T14:05:00Z'), message(marco, '2026-11-28T14:05:10Z'), 'UTC')).toBe(false);
  });

  it("does not group across midnight in the reader's time zone", () => {
    const before = message(nora, '2026-11-28T14:58:00Z');
    const after = message(nora, '2026-11-28T15:01:00Z');
    // 15:00 UTC is midnight in Tokyo.
    expect(continuesFrom(before, after, 'Asia/Tokyo')).toBe(false);
    expect(continuesFrom(before, after, 'UTC')).toBe(true);
  });

  it('does not group a message that failed, or one queued with an error, nor the one after it', () => {
    const failed = message(nora, '2026-11-28T14:05:00Z', { status: 'failed', error: { code: 'RATE_LIMIT', message: 'Slow down' } });
    const queuedWithError = message(nora, '2026-11-28T14:05:00Z', { status: 'queued', error: { code: 'RATE_LIMIT', message: 'Slow down' } });
    const fine = message(nora, '2026-11-28T14:05:30Z');
    expect(continuesFrom(failed, fine, 'UTC')).toBe(false);
    expect(continuesFrom(fine, failed, 'UTC')).toBe(false);
    expect(continuesFrom(queuedWithError, fine, 'UTC')).toBe(false);
    expect(continuesFrom(fine, queuedWithError, 'UTC')).toBe(false);
    // A plain queued message (offline, no error) still groups.
    expect(continuesFrom(message(nora, '2026-11-28T14:05:00Z', { status: 'queued' }), fine, 'UTC')).toBe(true);
  });

  it('does not group a message whose time it cannot read', () => {
    expect(continuesFrom(message(nora, 'not a date'), message(nora, '2026-11-28T14:05:00Z'), 'UTC')).toBe(false);
  });
});
