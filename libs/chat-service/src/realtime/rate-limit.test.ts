import { createMemoryRateLimiter } from './rate-limit';

describe('createMemoryRateLimiter', () => {
  it('allows the budget, then refuses with the seconds until the window frees up', async () => {
    const limiter = createMemoryRateLimiter({ points: 3, durationS: 60 });
    for (let i = 0; i < 3; i++) expect(await limiter.consume('user:a')).toEqual({ allowed: true });
    const refused = await limiter.consume('user:a');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterS).toBeGreaterThanOrEqual(59);
      expect(refused.retryAfterS).toBeLessThanOrEqual(60);
    }
  });

  it('counts each identity separately', async () => {
    const limiter = createMemoryRateLimiter({ points: 1, durationS: 60 });
    expect((await limiter.consume('user:a')).allowed).toBe(true);
    expect((await limiter.consume('user:b')).allowed).toBe(true);
    expect((await limiter.consume('user:a')).allowed).toBe(false);
  });
});
