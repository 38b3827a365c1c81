import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_S } from '@confab/protocol';

/** How many messages an identity may send, per how many seconds. */
export interface MessageBudget {
  points: number;
  durationS: number;
}

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterS: number };

/**
 * Per-identity message allowance. Injectable so several instances can share one budget:
 * `rateLimiterFrom(new RateLimiterRedis({ storeClient, points, duration }))` (scale-out.ts).
 */
export interface MessageRateLimiter {
  /** Takes one message from `key`'s allowance; rejects only when the limiter's store fails. */
  consume(key: string): Promise<RateLimitResult>;
  /** Gives one message back (it turned out to be a resend of a message stored before). */
  refund(key: string): Promise<void>;
}

/** Adapts any rate-limiter-flexible limiter (memory, Redis, …). */
export function rateLimiterFrom(limiter: RateLimiterAbstract): MessageRateLimiter {
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the budget is spent, with an Error when its store fails.
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterS: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        throw rejection;
      }
    },
    async refund(key) {
      await limiter.reward(key, 1);
    },
  };
}

export function createMemoryRateLimiter({ points, durationS }: MessageBudget = { points: MESSAGE_RATE_LIMIT, durationS: MESSAGE_RATE_WINDOW_S }): MessageRateLimiter {
  return rateLimiterFrom(new RateLimiterMemory({ keyPrefix: 'confab-msg', points, duration: durationS }));
}
