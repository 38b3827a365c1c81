import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { parseServerFrame, type ServerFrame } from '@confab/protocol';
import type { Logger } from '../logger';
import type { Bus, BusHandler } from './bus';

export const CONVERSATION_CHANNEL_PREFIX = 'confab:conv:';

export const conversationChannel = (conversationId: string): string => `${CONVERSATION_CHANNEL_PREFIX}${conversationId}`;

/**
 * Fan-out across instances through Redis pub/sub, one channel per conversation.
 *
 * - Local handlers are called only when a frame comes back from Redis, never directly on publish:
 *   every instance (this one included) then sees one order per conversation, the order Redis
 *   put the channel's messages in, and each frame reaches a local handler exactly once.
 * - Frames from one instance keep their order: one connection publishes them, and Redis delivers a
 *   channel's messages to each subscriber in the order it received them.
 * - Received frames are parsed with the protocol's `ServerFrame` schema: Redis is a boundary
 *   (another version of the service, or anything else with access, may publish there).
 * - Pub/sub is at-most-once: frames published while this instance's subscriber is reconnecting are
 *   lost for its clients. They catch up by seq (a gap makes the client `sync`) or on reconnect, and
 *   `onFramesLost` listeners (the hub) send each streaming reply's whole text again.
 */
export class RedisBus implements Bus {
  private readonly handlers = new Map<string, Set<BusHandler>>();
  /** This process's own channel for flush() markers. */
  private readonly barrierChannel = `confab:barrier:${randomUUID()}`;
  private readonly barriers = new Map<string, () => void>();
  private readonly framesLost = new Set<() => void>();
  private readonly log: Logger;
  private closed = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'redis-bus' });
    subscriber.on('message', this.onMessage);
    // ioredis says `ready` on every (re)connect: after the first, frames published meanwhile are gone.
    let connected = subscriber.status === 'ready';
    subscriber.on('ready', () => {
      if (connected) this.framesLost.forEach((listener) => listener());
      connected = true;
    });
  }

  onFramesLost(listener: () => void): void {
    this.framesLost.add(listener);
  }

  publish(conversationId: string, frame: ServerFrame): void {
    if (this.closed) return;
    this.publisher.publish(conversationChannel(conversationId), JSON.stringify(frame)).catch((error: unknown) => {
      this.log.warn({ err: error, conversationId, event: frame.event }, 'could not publish a frame to Redis');
    });
  }

  subscribe(conversationId: string, handler: BusHandler): void {
    if (this.closed) return;
    let handlers = this.handlers.get(conversationId);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(conversationId, handlers);
      // Commands on one connection run in order, so a quick unsubscribe + subscribe ends subscribed.
      this.subscriber.subscribe(conversationChannel(conversationId)).catch((error: unknown) => {
        this.log.error({ err: error, conversationId }, 'could not subscribe to a conversation channel');
      });
    }
    handlers.add(handler);
  }

  unsubscribe(conversationId: string, handler: BusHandler): void {
    const handlers = this.handlers.get(conversationId);
    if (!handlers) return;
    handlers.delete(handler);
    if (handlers.size > 0) return;
    this.handlers.delete(conversationId);
    if (this.closed) return;
    this.subscriber.unsubscribe(conversationChannel(conversationId)).catch((error: unknown) => {
      this.log.warn({ err: error, conversationId }, 'could not unsubscribe from a conversation channel');
    });
  }

  /**
   * Resolves once every frame this instance published before the call has come back from Redis and
   * been handed to the local handlers (or after `timeoutMs`). Redis runs one connection's commands in
   * order and pushes messages to a subscriber in the order it ran the PUBLISHes, so a marker
   * published after the frames arrives after them. Used on shutdown: the last `done` frames reach
   * this instance's sockets before they are closed.
   */
  async flush(timeoutMs = 2_000): Promise<void> {
    if (this.closed) return;
    const marker = randomUUID();
    const arrived = new Promise<void>((resolve) => this.barriers.set(marker, resolve));
    try {
      await this.subscriber.subscribe(this.barrierChannel);
      await this.publisher.publish(this.barrierChannel, marker);
      await Promise.race([arrived, sleep(timeoutMs)]);
    } catch (error) {
      this.log.warn({ err: error }, 'could not flush the Redis bus');
    } finally {
      this.barriers.delete(marker);
    }
  }

  /** Stops delivering. The connections belong to whoever opened them (see scale-out.ts). */
  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    this.subscriber.off('message', this.onMessage);
  }

  /** Number of conversations this instance is subscribed to (tests, metrics). */
  get channelCount(): number {
    return this.handlers.size;
  }

  private readonly onMessage = (channel: string, text: string): void => {
    if (channel === this.barrierChannel) return this.barriers.get(text)?.();
    if (!channel.startsWith(CONVERSATION_CHANNEL_PREFIX)) return;
    const handlers = this.handlers.get(channel.slice(CONVERSATION_CHANNEL_PREFIX.length));
    if (!handlers) return;
    const parsed = parseServerFrame(text);
    if (!parsed.ok) {
      this.log.warn({ channel, problem: parsed.message }, 'dropped an invalid frame from Redis');
      return;
    }
    // Copy: a handler may unsubscribe (a socket closing) while we iterate.
    for (const handler of [...handlers]) handler(parsed.frame);
  };
}
