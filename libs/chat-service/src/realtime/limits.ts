/**
 * Per-connection and per-client limits of the realtime layer, as pure state machines (the caller
 * passes the time), so they are unit-tested without sockets or timers.
 */

export interface FrameRateOptions {
  /** Frames per second a connection may send on average. */
  perSecond: number;
  /** Frames it may send at once after being quiet. */
  burst: number;
  /**
   * Refused frames tolerated within `strikeWindowMs` before the connection is closed: a client
   * that slows down after a RATE_LIMIT answer keeps its socket, one that keeps flooding loses it.
   */
  maxStrikes: number;
  strikeWindowMs: number;
}

export type FrameDecision = { kind: 'accept' } | { kind: 'refuse'; retryAfterS: number } | { kind: 'close' };

/** Token bucket per connection: `perSecond` refill, `burst` capacity; refused frames are counted as strikes. */
export class FrameRateLimiter {
  private tokens: number;
  private refilledAt: number;
  private strikes = 0;
  private strikeWindowStartedAt = 0;

  constructor(
    private readonly options: FrameRateOptions,
    now: number,
  ) {
    this.tokens = options.burst;
    this.refilledAt = now;
  }

  take(now: number): FrameDecision {
    const { perSecond, burst, maxStrikes, strikeWindowMs } = this.options;
    this.tokens = Math.min(burst, this.tokens + ((now - this.refilledAt) / 1000) * perSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { kind: 'accept' };
    }
    if (now - this.strikeWindowStartedAt > strikeWindowMs) {
      this.strikeWindowStartedAt = now;
      this.strikes = 0;
    }
    this.strikes += 1;
    if (this.strikes > maxStrikes) return { kind: 'close' };
    const msUntilToken = ((1 - this.tokens) / perSecond) * 1000;
    return { kind: 'refuse', retryAfterS: Math.max(1, Math.ceil(msUntilToken / 1000)) };
  }
}

/**
 * Open (and opening) sockets per key: remote address, identity. `acquire` counts a slot when the
 * key is under `max`; the returned release function gives it back once (calling it again is a no-op).
 */
export class ConnectionCounter {
  private readonly counts = new Map<string, number>();

  constructor(readonly max: number) {}

  acquire(key: string): (() => void) | null {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.max) return null;
    this.counts.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** How many keys hold at least one slot (the maps never keep empty entries). */
  get size(): number {
    return this.counts.size;
  }
}

/** Bytes of sync pages one client address may have waiting in this process at once (see SyncBudget). */
export const SYNC_BYTES_PER_ADDRESS = 4 * 1024 * 1024;
/** The smallest page a sync is granted once its address has used its budget (a page holds at least one message). */
export const SYNC_PAGE_MIN_BYTES = 16 * 1024;

/**
 * What each client address may hold in sync pages that have not left this process yet. Each page
 * asks for `pageBytes` and is granted what the address has left, never less than `minBytes`: an
 * address over its budget goes on syncing in small pages, so people sharing an address with
 * sockets that stopped reading are slowed, never stopped, and what the address holds stays under
 * `perAddress` plus one small page per socket. Grants are given back once their page has left.
 */
export class SyncBudget {
  private readonly held = new Map<string, number>();

  constructor(
    readonly perAddress: number,
    readonly pageBytes: number,
    readonly minBytes: number,
  ) {}

  /** Takes a grant for one page: the most bytes of text the page may hold. */
  take(address: string): number {
    const held = this.held.get(address) ?? 0;
    const grant = Math.min(this.pageBytes, Math.max(this.minBytes, this.perAddress - held));
    this.held.set(address, held + grant);
    return grant;
  }

  give(address: string, grant: number): void {
    const left = (this.held.get(address) ?? 0) - grant;
    if (left > 0) this.held.set(address, left);
    else this.held.delete(address);
  }

  heldBy(address: string): number {
    return this.held.get(address) ?? 0;
  }

  /** How many addresses hold a grant (the map keeps no empty entries). */
  get size(): number {
    return this.held.size;
  }
}

/**
 * The client's address for per-address caps. Behind a trusted reverse proxy the last
 * X-Forwarded-For entry is the one that proxy appended (earlier entries can be forged by the client).
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    const last = header
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .at(-1);
    if (last) return last;
  }
  return socketAddress ?? 'unknown';
}
