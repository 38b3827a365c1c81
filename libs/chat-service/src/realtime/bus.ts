import type { ServerFrame } from '@confab/protocol';

export type BusHandler = (frame: ServerFrame) => void;

/**
 * Fan-out of conversation frames to every connection, on every chat service instance.
 *
 * Contract for implementations (in-process now; a Redis pub/sub one publishes JSON on a channel
 * per conversation, e.g. `confab:conv:<id>`, and subscribes when the first local handler appears):
 * - `publish` is fire-and-forget; frames of one conversation published by one instance arrive
 *   at every subscriber in the order they were published (Redis pub/sub keeps that per channel);
 * - a handler receives frames published by any instance, its own included;
 * - `subscribe`/`unsubscribe` are per (conversation, handler); the realtime layer keeps one handler
 *   per conversation with local connections, so an implementation subscribes one channel each;
 * - handlers must not throw (the realtime layer catches its own errors).
 */
export interface Bus {
  publish(conversationId: string, frame: ServerFrame): void;
  subscribe(conversationId: string, handler: BusHandler): void;
  unsubscribe(conversationId: string, handler: BusHandler): void;
  /**
   * Calls `listener` whenever frames may have been lost on their way here (a Redis subscriber that
   * reconnected); an in-process bus loses none and never calls it.
   */
  onFramesLost?(listener: () => void): void;
  /** Releases connections (a Redis client); no-op in process. */
  close(): Promise<void>;
}

/** Single-instance bus: delivers synchronously, in publish order. */
export class InProcessBus implements Bus {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  publish(conversationId: string, frame: ServerFrame): void {
    const handlers = this.handlers.get(conversationId);
    if (!handlers) return;
    // Copy: a handler may unsubscribe (a socket closing) while we iterate.
    for (const handler of [...handlers]) handler(frame);
  }

  subscribe(conversationId: string, handler: BusHandler): void {
    let handlers = this.handlers.get(conversationId);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(conversationId, handlers);
    }
    handlers.add(handler);
  }

  unsubscribe(conversationId: string, handler: BusHandler): void {
    const handlers = this.handlers.get(conversationId);
    if (!handlers) return;
    handlers.delete(handler);
    if (handlers.size === 0) this.handlers.delete(conversationId);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
