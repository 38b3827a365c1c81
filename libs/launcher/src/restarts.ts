/**
 * Whether the launcher restarts a part that stopped while Confab was running. Once, twice, it is
 * worth it (a crash, someone stopped it by hand): its browsers and the other parts reconnect on
 * their own. A part that keeps stopping is broken, and restarting it for ever would hide that.
 */
export class RestartBudget {
  private readonly restarts: number[] = [];

  constructor(
    private readonly max = 3,
    private readonly windowMs = 60_000,
  ) {}

  /** Takes one restart at `now` when fewer than `max` were taken in the window before it. */
  take(now: number): boolean {
    while (this.restarts.length > 0 && (this.restarts[0] ?? 0) <= now - this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.max) return false;
    this.restarts.push(now);
    return true;
  }
}
