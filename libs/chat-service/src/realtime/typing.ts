import { TYPING_AUTO_STOP_MS, TYPING_MIN_INTERVAL_MS } from '@confab/protocol';

/**
 * Decides which typing signals are relayed, per (conversation, identity) key, without timers:
 * the caller passes the time and schedules the auto stop at `autoStopAt`.
 *
 * - a start is relayed at most once per `minIntervalMs` (extra starts are dropped silently);
 * - a stop is relayed only if a start was relayed and not stopped yet;
 * - the indicator stops by itself `autoStopMs` after the last relayed start.
 */
export type TypingDecision = { relay: false } | { relay: true; state: 'start'; autoStopAt: number } | { relay: true; state: 'stop' };

interface TypingState {
  lastStartAt: number;
  autoStopAt: number;
}

export class TypingTracker {
  private readonly active = new Map<string, TypingState>();

  constructor(
    private readonly minIntervalMs: number = TYPING_MIN_INTERVAL_MS,
    private readonly autoStopMs: number = TYPING_AUTO_STOP_MS,
  ) {}

  start(key: string, now: number): TypingDecision {
    const state = this.active.get(key);
    if (state && now - state.lastStartAt < this.minIntervalMs) return { relay: false };
    const autoStopAt = now + this.autoStopMs;
    this.active.set(key, { lastStartAt: now, autoStopAt });
    return { relay: true, state: 'start', autoStopAt };
  }

  stop(key: string): TypingDecision {
    if (!this.active.delete(key)) return { relay: false };
    return { relay: true, state: 'stop' };
  }

  /** Called by the auto-stop timer: stops only if no later start moved the deadline. */
  expire(key: string, now: number): TypingDecision {
    const state = this.active.get(key);
    if (!state || now < state.autoStopAt) return { relay: false };
    return this.stop(key);
  }

  isTyping(key: string): boolean {
    return this.active.has(key);
  }
}
