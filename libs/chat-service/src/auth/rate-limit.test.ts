import { createSignInAddressLimiter, createSignInLimiter, signInKey } from './rate-limit';
import { memoryBudgets } from '../budgets';

describe('signInKey', () => {
  it('is one budget whatever the email case, per address, and does not spell the email out (it may land in Redis)', () => {
    expect(signInKey('Ada@Example.test', '203.0.113.7')).toBe(signInKey('ada@example.test', '203.0.113.7'));
    expect(signInKey('ada@example.test', '203.0.113.7')).not.toBe(signInKey('ada@example.test', '198.51.100.1'));
    expect(signInKey('ada@example.test', '203.0.113.7')).not.toContain('ada');
  });
});

describe('createSignInLimiter', () => {
  it('refuses the attempt past the budget with the seconds to wait, and starts over after a success', async () => {
    const limiter = createSignInLimiter(undefined, 2, 60);
    expect(await limiter.attempt('k')).toBeNull();
    expect(await limiter.attempt('k')).toBeNull();
    expect(await limiter.attempt('k')).toBeGreaterThan(0);
    await limiter.succeeded('k');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await limiter.attempt('k')).toBeNull();
  });
});

describe('createSignInAddressLimiter', () => {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('counts failed attempts per address: a refunded attempt (a right password) costs nothing', async () => {
    const limiter = createSignInAddressLimiter(memoryBudgets, { points: 2, durationS: 60 });
    for (let i = 0; i < 5; i++) {
      expect(await limiter.attempt('203.0.113.7')).toBeNull();
      await limiter.refund('203.0.113.7');
      await settle();
    }
    expect(await limiter.attempt('203.0.113.7')).toBeNull();
    expect(await limiter.attempt('203.0.113.7')).toBeNull();
    expect(await limiter.attempt('203.0.113.7')).toBeGreaterThan(0);
    expect(await limiter.attempt('198.51.100.1')).toBeNull();
  });

  it('does not limit attempts whose address is not known (rather than one budget shared by everyone)', async () => {
    const limiter = createSignInAddressLimiter(memoryBudgets, { points: 1, durationS: 60 });
    for (let i = 0; i < 3; i++) expect(await limiter.attempt(null)).toBeNull();
  });
});
