import { ConnectionCounter, FrameRateLimiter, SyncBudget, clientAddress } from './limits';

const options = { perSecond: 20, burst: 40, maxStrikes: 40, strikeWindowMs: 10_000 };

describe('FrameRateLimiter', () => {
  it('accepts a burst of 40 at once, then refuses with retry_after_s until tokens refill', () => {
    const limiter = new FrameRateLimiter(options, 0);
    for (let i = 0; i < 40; i++) expect(limiter.take(0)).toEqual({ kind: 'accept' });
    expect(limiter.take(0)).toEqual({ kind: 'refuse', retryAfterS: 1 });
    // 50 ms at 20/s is one token
    expect(limiter.take(50)).toEqual({ kind: 'accept' });
    expect(limiter.take(50).kind).toBe('refuse');
  });

  it('keeps a client at 20 frames/s forever', () => {
    const limiter = new FrameRateLimiter(options, 0);
    for (let t = 0; t < 60_000; t += 50) expect(limiter.take(t).kind).toBe('accept');
  });

  it('closes a client that keeps flooding after being told to slow down', () => {
    const limiter = new FrameRateLimiter(options, 0);
    const decisions = Array.from({ length: 200 }, () => limiter.take(0).kind);
    expect(decisions.filter((d) => d === 'accept')).toHaveLength(40);
    expect(decisions.slice(40, 80).every((d) => d === 'refuse')).toBe(true);
    expect(decisions[80]).toBe('close');
  });

  it('tolerates up to 40 refused frames per 10 s: a client a little over the rate is refused, not closed', () => {
    const kindsAt = (intervalMs: number) => {
      const limiter = new FrameRateLimiter(options, 0);
      const kinds = new Set<string>();
      for (let t = 0; t < 120_000; t += intervalMs) kinds.add(limiter.take(t).kind);
      return kinds;
    };
    // ~22 frames/s: ~2 refused per second, ~22 per window
    expect([...kindsAt(45)].sort()).toEqual(['accept', 'refuse']);
    // 25 frames/s: 5 refused per second, 50 per window
    expect(kindsAt(40).has('close')).toBe(true);
  });
});

it('refuses part of a full outbox flush (100 messages + sync at once) without closing when strikes allow 100', () => {
  const limiter = new FrameRateLimiter({ ...options, maxStrikes: 100 }, 0);
  const kinds = Array.from({ length: 101 }, () => limiter.take(0).kind);
  expect(kinds.filter((k) => k === 'accept')).toHaveLength(40);
  expect(kinds.filter((k) => k === 'refuse')).toHaveLength(61);
});

describe('ConnectionCounter', () => {
  it('counts slots per key up to the cap and releases each once', () => {
    const counter = new ConnectionCounter(2);
    const a1 = counter.acquire('a');
    const a2 = counter.acquire('a');
    expect(a1).not.toBeNull();
    expect(a2).not.toBeNull();
    expect(counter.acquire('a')).toBeNull();
    expect(counter.acquire('b')).not.toBeNull();
    a1?.();
    a1?.();
    expect(counter.count('a')).toBe(1);
    expect(counter.acquire('a')).not.toBeNull();
    expect(counter.acquire('a')).toBeNull();
  });

  it('keeps no entry for a key with no slot', () => {
    const counter = new ConnectionCounter(1);
    const release = counter.acquire('x');
    release?.();
    expect(counter.size).toBe(0);
  });
});

describe('clientAddress', () => {
  it('uses the socket address unless a proxy is trusted', () => {
    expect(clientAddress('10.0.0.1', '1.2.3.4', false)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', 'forged, 1.2.3.4', true)).toBe('1.2.3.4');
    expect(clientAddress('10.0.0.1', undefined, true)).toBe('10.0.0.1');
    expect(clientAddress(undefined, undefined, false)).toBe('unknown');
  });
});

describe('SyncBudget', () => {
  it('grants whole pages until the address has used its budget, then small ones; other addresses keep theirs', () => {
    const budget = new SyncBudget(1000, 400, 50);
    expect([budget.take('a'), budget.take('a'), budget.take('a'), budget.take('a'), budget.take('a')]).toEqual([400, 400, 200, 50, 50]);
    expect(budget.heldBy('a')).toBe(1100);
    expect(budget.take('b')).toBe(400);
  });

  it('grants whole pages again once pages have left, and keeps no entry for an address holding nothing', () => {
    const budget = new SyncBudget(1000, 400, 50);
    const grants = [budget.take('a'), budget.take('a'), budget.take('a')];
    expect(budget.take('a')).toBe(50);
    budget.give('a', 50);
    budget.give('a', grants[0]!);
    expect(budget.take('a')).toBe(400);
    for (const grant of [400, grants[1]!, grants[2]!]) budget.give('a', grant);
    expect(budget.heldBy('a')).toBe(0);
    expect(budget.size).toBe(0);
  });
});
