import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Brute-force guard for sign-in: failed attempts are counted per email + client address; once
 * the budget is spent every attempt (even with the right password) is refused until the window
 * ends. A successful sign-in clears the count.
 */
export interface SignInLimiter {
  /** Seconds to wait when the key is blocked, else null. */
  blockedFor(key: string): Promise<number | null>;
  recordFailure(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export const SIGN_IN_FAILURES_ALLOWED = 5;
export const SIGN_IN_WINDOW_S = 15 * 60;

export function createSignInLimiter(points = SIGN_IN_FAILURES_ALLOWED, durationS = SIGN_IN_WINDOW_S): SignInLimiter {
  const limiter = new RateLimiterMemory({ keyPrefix: 'signin', points, duration: durationS });
  return {
    async blockedFor(key) {
      const state = await limiter.get(key);
      if (!state || state.consumedPoints < points) return null;
      return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    },
    async recordFailure(key) {
      try {
        await limiter.consume(key);
      } catch (rejection) {
        // Over the budget already: that is what blockedFor reports next time; anything else is a real error.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
      }
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}

export function signInKey(email: string, clientAddress: string): string {
  return `${email}|${clientAddress}`;
}
