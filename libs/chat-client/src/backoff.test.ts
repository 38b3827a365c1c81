import {
  RECONNECT_BASE_DELAY_MS,
  RECONNECT_MAX_DELAY_MS,
  backoffCeiling,
  reconnectDelay,
} from './backoff';

describe('backoffCeiling', () => {
  it('starts at 1 s and doubles', () => {
    expect([0, 1, 2, 3, 4].map(backoffCeiling)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('is capped at 30 s however many attempts', () => {
    expect(backoffCeiling(5)).toBe(RECONNECT_MAX_DELAY_MS);
    expect(backoffCeiling(9)).toBe(RECONNECT_MAX_DELAY_MS);
    expect(backoffCeiling(10_000)).toBe(RECONNECT_MAX_DELAY_MS);
  });

  it('treats negative or non-numeric attempts as the first', () => {
    expect(backoffCeiling(-3)).toBe(RECONNECT_BASE_DELAY_MS);
    expect(backoffCeiling(Number.NaN)).toBe(RECONNECT_BASE_DELAY_MS);
  });
});

describe('reconnectDelay', () => {
  it('with equal jitter stays within [ceiling/2, ceiling]', () => {
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const ceiling = backoffCeiling(attempt);
      expect(reconnectDelay(attempt, () => 0)).toBe(ceiling / 2);
      expect(reconnectDelay(attempt, () => 0.999_999)).toBeLessThanOrEqual(ceiling);
      expect(reconnectDelay(attempt, () => 0.999_999)).toBeGreaterThan(ceiling * 0.99);
    }
  });

  it('with full jitter stays within [0, ceiling]', () => {
    expect(reconnectDelay(3, () => 0, 'full')).toBe(0);
    expect(reconnectDelay(3, () => 0.5, 'full')).toBe(4_000);
    expect(reconnectDelay(3, () => 1, 'full')).toBe(8_000);
  });

  it('grows with the attempt for the same random draw until the cap', () => {
    const delays = Array.from({ length: 10 }, (_, attempt) => reconnectDelay(attempt, () => 0.5));
    for (let i = 1; i < delays.length; i += 1) {
      expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] ?? 0);
    }
    expect(delays[0]).toBe(750);
    expect(delays[9]).toBe(22_500);
  });

  it('never exceeds the cap or goes negative for a misbehaving random source', () => {
    expect(reconnectDelay(20, () => 7)).toBe(RECONNECT_MAX_DELAY_MS);
    expect(reconnectDelay(2, () => -1)).toBe(2_000);
    expect(reconnectDelay(2, () => Number.NaN, 'full')).toBe(0);
  });

  it('spreads retries: many draws are not all equal', () => {
    const draws = new Set(Array.from({ length: 50 }, () => reconnectDelay(4)));
    expect(draws.size).toBeGreaterThan(10);
  });
});
