/**
 * Coalesces a fast provider's deltas so a reply publishes at most one `stream` frame per
 * `intervalMs` (fast local models emit hundreds of tokens a second; clients only need ~30 fps).
 * Pure: the caller supplies the time and arms a timer for `msUntilDue`.
 */
export class DeltaBatcher {
  private pending = '';
  private lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalMs: number) {}

  append(text: string): void {
    this.pending += text;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** How long until the pending text may be published (0: now). */
  msUntilDue(now: number): number {
    return Math.max(0, this.lastFlushAt + this.intervalMs - now);
  }

  /** Returns the pending text and empties the batch, or null when there is nothing to send. */
  take(now: number): string | null {
    if (!this.pending) return null;
    const text = this.pending;
    this.pending = '';
    this.lastFlushAt = now;
    return text;
  }
}

/** Whether the cumulative content should be written to the database now (bounds what a crash loses). */
export function shouldPersist(now: number, lastPersistAt: number, persistedLength: number, contentLength: number, everyMs: number): boolean {
  return contentLength !== persistedLength && now - lastPersistAt >= everyMs;
}
