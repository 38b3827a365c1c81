import type { Redis } from 'ioredis';
import type { Logger } from '../logger';

/**
 * Things that may happen once (the same claims serve a failed reply's retry, keyed apart).
 * Each WebSocket ticket opens one socket. A ticket travels in a URL (`?token=`), and URLs end up
 * in proxy logs and browser history: one that leaks is then worth nothing, even within its 60 s.
 * `claim` says whether this is the ticket's first use, remembering it until the ticket expires.
 */
export interface TicketUses {
  claim(ticketId: string, expiresAtMs: number): Promise<boolean>;
  /** Forgets a claim whose use did not happen after all (a retried reply that could not start). */
  release(ticketId: string): Promise<void>;
}

/**
 * One instance: a map of the tickets used, pruned of expired ones at most once a second (a pass
 * over the map per claim would cost thousands of steps per socket when thousands connect at once).
 */
export function memoryTicketUses(now: () => number = Date.now): TicketUses {
  const used = new Map<string, number>();
  let prunedAt = 0;
  return {
    async claim(ticketId, expiresAtMs) {
      const at = now();
      if (at - prunedAt >= 1_000) {
        prunedAt = at;
        for (const [id, expiry] of used) if (expiry <= at) used.delete(id);
      }
      if (used.has(ticketId)) return false;
      used.set(ticketId, expiresAtMs);
      return true;
    },
    async release(ticketId) {
      used.delete(ticketId);
    },
  };
}

/**
 * Several instances: the claim is a Redis key set only if absent, so a ticket used on one instance
 * is refused on the others. While Redis cannot answer, a ticket is let through (it still expires
 * in 60 s): an outage must not lock everyone out of their conversations.
 */
export function redisTicketUses(redis: Redis, logger: Logger, now: () => number = Date.now, keyPrefix = 'confab:ticket:'): TicketUses {
  return {
    async claim(ticketId, expiresAtMs) {
      try {
        const ttlMs = Math.max(1, expiresAtMs - now());
        return (await redis.set(`${keyPrefix}${ticketId}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
      } catch (error) {
        logger.warn({ err: error }, 'could not record a ticket use in Redis; letting it through');
        return true;
      }
    },
    async release(ticketId) {
      await redis.del(`${keyPrefix}${ticketId}`);
    },
  };
}
