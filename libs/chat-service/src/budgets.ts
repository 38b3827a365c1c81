import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface BudgetOptions {
  /** Names the budget; keys of different budgets never meet. */
  keyPrefix: string;
  points: number;
  durationS: number;
}

/**
 * Makes the counters behind every rate limit (messages, sign-in attempts, new visitors and
 * accounts per address). One instance counts in its own memory; several instances behind a load
 * balancer must count in Redis, or each would grant the whole budget again (five guesses per
 * instance, not five in all).
 */
export type Budgets = (options: BudgetOptions) => RateLimiterAbstract;

export const memoryBudgets: Budgets = ({ keyPrefix, points, durationS }) => new RateLimiterMemory({ keyPrefix, points, duration: durationS });

export function redisBudgets(client: Redis): Budgets {
  return (options) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `confab:ratelimit:${options.keyPrefix}`,
      points: options.points,
      duration: options.durationS,
      // While Redis is unreachable each instance counts on its own instead of failing every request.
      rejectIfRedisNotReady: true,
      insuranceLimiter: memoryBudgets({ ...options, keyPrefix: `${options.keyPrefix}-insurance` }),
    });
}
