/**
 * A small read-through cache for hot lookups: values live `ttlMs`, at most `maxEntries` are kept
 * (the oldest goes first), and concurrent lookups of one key share a single load, so a burst of
 * sockets opening at once costs one database query. `keep` decides which results may be kept at all
 * (e.g. only live sessions); the others are dropped as soon as their load settles, like failures.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly keep: (value: V) => boolean,
  ) {}

  async get(key: string, load: () => Promise<V>, now = Date.now()): Promise<V> {
    const cached = this.entries.get(key);
    if (cached && cached.until > now) return cached.value;
    const value = load();
    this.remember(key, value, now);
    try {
      const loaded = await value;
      if (!this.keep(loaded)) this.forgetIf(key, value);
      return loaded;
    } catch (error) {
      this.forgetIf(key, value);
      throw error;
    }
  }

  /** The value cached (or loading) for `key`, without loading it. */
  peek(key: string): Promise<V> | undefined {
    return this.entries.get(key)?.value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(key: string, value: Promise<V>, now: number): void {
    // Re-inserting moves the key to the end: the Map's first key is then the oldest entry.
    this.entries.delete(key);
    this.entries.set(key, { value, until: now + this.ttlMs });
    if (this.entries.size <= this.maxEntries) return;
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }

  /** Drops an entry only if it is still this load's (a `forget` and a newer load may have replaced it). */
  private forgetIf(key: string, value: Promise<V>): void {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }
}
