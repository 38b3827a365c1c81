import { TYPING_AUTO_STOP_MS, TYPING_MIN_INTERVAL_MS } from '@confab/protocol';

/**
 * Decides which typing signals are relayed, per (conversation, identity) key, without timers:
 * the caller passes the time and schedules the auto stop at `autoStopAt`.
 *
 * - a start is relayed at most once per `minIntervalMs` (extra starts are dropped silently), also
 *   across a stop: alternating start and stop frames would otherwise relay every one of them;
 * - a stop is relayed only if a start was relayed and not stopped yet; a message sent ends the throttle;
 * - the indicator stops by itself `autoStopMs` after the last relayed start.
 */
export type TypingDecision = { relay: false } | { relay: true; state: 'start'; autoStopAt: number } | { relay: true; state: 'stop' };

interface TypingState {
  lastStartAt: number;
  autoStopAt: number;
  /** Stopped, kept only until `minIntervalMs` after its start so the next start is still throttled. */
  stopped: boolean;
}

/** How often stopped entries are swept out (they are few: only those stopped within the interval). */
const SWEEP_EVERY_MS = 60_000;

export class TypingTracker {
  private readonly active = new Map<string, TypingState>();
  private lastSweepAt = 0;

  constructor(
    private readonly minIntervalMs: number = TYPING_MIN_INTERVAL_MS,
    private readonly autoStopMs: number = TYPING_AUTO_STOP_MS,
  ) {}

  start(key: string, now: number): TypingDecision {
    this.sweep(now);
    const state = this.active.get(key);
    if (state && now - state.lastStartAt < this.minIntervalMs) return { relay: false };
    const autoStopAt = now + this.autoStopMs;
    this.active.set(key, { lastStartAt: now, autoStopAt, stopped: false });
    return { relay: true, state: 'start', autoStopAt };
  }

  /**
   * `sent`: the stop comes from a message the person sent. Its throttle ends with it: someone who
   * starts their next message within the second must show as typing, and sending costs message
   * budget, so this cannot be used to flood typing frames.
   */
  stop(key: string, now: number, sent = false): TypingDecision {
    const state = this.active.get(key);
    if (sent) this.active.delete(key);
    if (!state || state.stopped) return { relay: false };
    if (sent || now - state.lastStartAt >= this.minIntervalMs) this.active.delete(key);
    else state.stopped = true;
    return { relay: true, state: 'stop' };
  }

  /** Called by the auto-stop timer: stops only if no later start moved the deadline. */
  expire(key: string, now: number): TypingDecision {
    const state = this.active.get(key);
    if (!state || now < state.autoStopAt) return { relay: false };
    return this.stop(key, now);
  }

  isTyping(key: string): boolean {
    const state = this.active.get(key);
    return state !== undefined && !state.stopped;
  }

  /** Entries held (typing, or stopped within the interval). */
  get size(): number {
    return this.active.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweepAt < SWEEP_EVERY_MS) return;
    this.lastSweepAt = now;
    for (const [key, state] of this.active) {
      if (state.stopped && now - state.lastStartAt >= this.minIntervalMs) this.active.delete(key);
    }
  }
}
