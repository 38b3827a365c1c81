/**
 * Shares database reads of one key between concurrent callers without ever answering from the past:
 * a caller joins the next query to start, never one already running, so its answer reflects every
 * commit made before its call (what a query of its own would see). With one query running, everyone
 * arriving meanwhile shares the one after it: a burst of N sockets syncing one conversation costs
 * about two queries instead of N.
 */
export class CoalescedReads<V> {
  private readonly slots = new Map<string, { current: Promise<V> | null; next: Promise<V> | null }>();

  read(key: string, load: () => Promise<V>): Promise<V> {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { current: null, next: null };
      this.slots.set(key, slot);
    }
    const running = slot.current;
    if (!running) return this.start(key, slot, load);
    const queued = slot;
    const settled = (): void => undefined;
    queued.next ??= running.then(settled, settled).then(() => {
      queued.next = null;
      return this.start(key, queued, load);
    });
    return queued.next;
  }

  private start(key: string, slot: { current: Promise<V> | null; next: Promise<V> | null }, load: () => Promise<V>): Promise<V> {
    const run = load();
    slot.current = run;
    const done = (): void => {
      if (slot.current !== run) return;
      slot.current = null;
      if (!slot.next && this.slots.get(key) === slot) this.slots.delete(key);
    };
    run.then(done, done);
    return run;
  }
}
