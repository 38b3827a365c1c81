import { createHash } from 'node:crypto';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { memoryBudgets, type Budgets } from '../budgets';

/**
 * Brute-force guard for sign-in: attempts are counted per email + client address; once the budget
 * is spent every attempt (even with the right password) is refused until the window ends. A
 * successful sign-in clears the count.
 *
 * An attempt takes its point before the password is checked, not after it fails: the check takes
 * tens of milliseconds (scrypt), and counting only finished failures let a burst of parallel
 * guesses all pass the budget check before any of them was counted.
 */
export interface SignInLimiter {
  /** Takes one attempt from the key's budget: null when it may go ahead, else the seconds to wait. */
  attempt(key: string): Promise<number | null>;
  /** The attempt was right: the key's budget starts over. */
  succeeded(key: string): Promise<void>;
}

export const SIGN_IN_FAILURES_ALLOWED = 5;
export const SIGN_IN_WINDOW_S = 15 * 60;

export function createSignInLimiter(budgets: Budgets = memoryBudgets, points = SIGN_IN_FAILURES_ALLOWED, durationS = SIGN_IN_WINDOW_S, keyPrefix = 'signin'): SignInLimiter {
  const limiter = budgets({ keyPrefix, points, durationS });
  return {
    attempt: (key) => takePoint(limiter, key),
    // Not awaited: a correct sign-in must not wait on a Redis that is reconnecting (the count
    // then simply runs out with its window).
    async succeeded(key) {
      limiter.delete(key).catch(() => undefined);
    },
  };
}

/** Takes one point of the key's budget: null when it had one, else the seconds until it refills. */
async function takePoint(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (rejection) {
    // Over the budget is a RateLimiterRes; anything else is a real error.
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  }
}

/**
 * Password checks per client address, whatever the email: the per-email budget above does not stop
 * someone trying a new (unknown) email each time, and every attempt costs a scrypt check (unknown
 * emails are checked against a decoy, so both failures take the same time): 32 parallel loops
 * from one address made about 500 checks in 10 s and someone else's sign-in over ten times slower.
 * An attempt takes a point before the check (parallel attempts count too) and gives it back when
 * it cost no failed check (the password was right, or another limit refused it first): people
 * signing in correctly behind one address (an office, a school) never use the budget up, and
 * someone who mistypes a few times uses a few points of it.
 */
export interface SignInAddressLimiter {
  /** Takes one point of the address's budget: null when the attempt may go ahead, else the seconds to wait. No address known: no limit. */
  attempt(address: string | null): Promise<number | null>;
  /** The attempt did not end in a failed password check: its point comes back. */
  refund(address: string | null): Promise<void>;
}

export function createSignInAddressLimiter(budgets: Budgets, { points, durationS }: { points: number; durationS: number }): SignInAddressLimiter {
  const limiter = budgets({ keyPrefix: 'signin-address', points, durationS });
  return {
    attempt: async (address) => (address === null ? null : takePoint(limiter, address)),
    // Not awaited, as `succeeded` above: a sign-in must not wait on a Redis that is reconnecting.
    async refund(address) {
      if (address !== null) limiter.reward(address, 1).catch(() => undefined);
    },
  };
}

/** Hashed: the key lands in Redis with several instances, and emails need not be readable there. */
export function signInKey(email: string, clientAddress: string): string {
  return createHash('sha256').update(`${email.toLowerCase()}|${clientAddress}`).digest('base64url');
}

/**
 * The key of an email's budget whatever the address. The per-address budgets count per address,
 * and someone with many addresses (a botnet, an IPv6 range; before the web server set
 * X-Forwarded-For itself, anyone, by making them up) spreads guesses at one account over them:
 * without this, those guesses had no bound. The price: someone spending it (50 wrong passwords an
 * hour by default) keeps the owner out until the hour is over, like every lockout.
 */
export function signInEmailKey(email: string): string {
  return signInKey(email, '*'); // '*' is no address: no per-address key is the same
}

/**
 * New identities (visitors, accounts) per client address: each one is a fresh budget of messages
 * and sockets, and rows that stay for months, so a script must not mint them without end. Generous
 * enough for many people behind one address (an office, a school).
 */
export interface CreationLimiter {
  /** Takes one from the address's budget: null when it may go ahead, else the seconds to wait. No address known: no limit. */
  take(address: string | null): Promise<number | null>;
}

/**
 * Voice starts per person (identity), whatever the web server minting the room token: each start
 * dispatches a paid agent, and a visitor costs nothing to make.
 */
export interface VoiceStartLimiter {
  /** Takes one from the person's budget: null when they may start, else the seconds to wait. */
  take(identity: { kind: string; id: string }): Promise<number | null>;
}

export function createVoiceStartLimiter(budgets: Budgets, { points, durationS }: { points: number; durationS: number }): VoiceStartLimiter {
  const limiter = budgets({ keyPrefix: 'voice-starts', points, durationS });
  return { take: (identity) => takePoint(limiter, `${identity.kind}:${identity.id}`) };
}

export function createCreationLimiter(budgets: Budgets, keyPrefix: string, { points, durationS }: { points: number; durationS: number }): CreationLimiter {
  const limiter = budgets({ keyPrefix, points, durationS });
  return {
    take: async (address) => (address === null ? null : takePoint(limiter, address)),
  };
}
