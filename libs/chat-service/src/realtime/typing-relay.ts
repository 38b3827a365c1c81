import type { Identity, ServerFrame } from '@confab/protocol';
import { identityKey } from './connection';
import { TypingTracker, type TypingDecision } from './typing';

/**
 * Relays typing start/stop for a conversation: the pure throttle in `typing.ts` decides, this
 * keeps the auto-stop timers and publishes what reaches the others.
 */
export class TypingRelay {
  private readonly tracker = new TypingTracker();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly publish: (conversationId: string, frame: ServerFrame) => void) {}

  update(conversationId: string, who: Identity, state: 'start' | 'stop'): void {
    const key = `${conversationId}:${identityKey(who)}`;
    const decision = state === 'start' ? this.tracker.start(key, Date.now()) : this.tracker.stop(key, Date.now());
    this.apply(conversationId, who, key, decision);
  }

  /** `who` sent a message: their typing stops, and their next keystroke shows at once. */
  sent(conversationId: string, who: Identity): void {
    const key = `${conversationId}:${identityKey(who)}`;
    this.apply(conversationId, who, key, this.tracker.stop(key, Date.now(), true));
  }

  /** Drops every pending auto-stop (shutdown: the sockets are closing anyway). */
  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private apply(conversationId: string, who: Identity, key: string, decision: TypingDecision): void {
    if (!decision.relay) return;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (decision.state === 'start') {
      const { autoStopAt } = decision;
      // A timer can fire a little before Date.now() reaches its deadline (libuv counts from the
      // loop's cached time, which a long task leaves behind): then it waits for the rest instead of
      // doing nothing, which left "… is typing" on everyone's screen for good.
      const autoStop = (): void => {
        const early = autoStopAt - Date.now();
        if (early > 0 && this.tracker.isTyping(key)) this.timers.set(key, setTimeout(autoStop, early));
        else this.apply(conversationId, who, key, this.tracker.expire(key, Date.now()));
      };
      this.timers.set(key, setTimeout(autoStop, autoStopAt - Date.now()));
    }
    this.publish(conversationId, { event: 'typing', data: { conversation_id: conversationId, who, state: decision.state } });
  }
}
