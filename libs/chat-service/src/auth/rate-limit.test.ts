import { createSignInLimiter, signInKey } from './rate-limit';

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
