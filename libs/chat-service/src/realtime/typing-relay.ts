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
    const decision = state === 'start' ? this.tracker.start(key, Date.now()) : this.tracker.stop(key);
    this.apply(conversationId, who, key, decision);
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
      const autoStop = () => this.apply(conversationId, who, key, this.tracker.expire(key, Date.now()));
      this.timers.set(key, setTimeout(autoStop, decision.autoStopAt - Date.now()));
    }
    this.publish(conversationId, { event: 'typing', data: { conversation_id: conversationId, who, state: decision.state } });
  }
}
