import type { ActiveSession } from '../db/identities';
import { TtlCache } from '../db/ttl-cache';

/**
 * Live sessions by id, remembered for a few seconds, so opening sockets does not cost a database
 * round trip each: a page reconnecting, or many tabs and tickets of one person, look the session up
 * once. Only live sessions are kept, and one past its own expiry is never returned.
 *
 * What this trades: a session revoked on another instance may still open a socket here for up to
 * `ttlMs`; that socket is then closed by the realtime layer's periodic `isSessionActive` check, which
 * never reads this cache. Revocations on this instance call `forget` and take effect at once.
 */
export class SessionCache {
  private readonly cache: TtlCache<ActiveSession | null>;

  constructor(ttlMs: number, maxEntries: number) {
    this.cache = new TtlCache(ttlMs, maxEntries, (session) => session !== null);
  }

  async get(sessionId: string, load: () => Promise<ActiveSession | null>): Promise<ActiveSession | null> {
    const session = await this.cache.get(sessionId, load);
    return session !== null && session.expiresAt.getTime() > Date.now() ? session : null;
  }

  forget(sessionId: string): void {
    this.cache.forget(sessionId);
  }
}
