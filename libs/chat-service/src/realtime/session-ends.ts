import type { Redis } from 'ioredis';
import { z } from 'zod';
import { Id } from '@confab/protocol';
import type { Logger } from '../logger';

/**
 * Sessions that ended before their time (signed out; a visitor session merged into an account),
 * told to the realtime layer of every instance at once, so the sockets opened with them close then
 * and write nothing more. (Sockets of sessions revoked some other way, straight in the database,
 * are still found by SessionWatch's periodic check.)
 */
export interface SessionEnds {
  /** Tells every instance, this one included. Fire and forget: the periodic check is the fallback. */
  announce(sessionId: string): void;
  /** Adds what to do with each ended session (the realtime layer closes sockets, auth forgets its cache). */
  listen(handler: (sessionId: string) => void): void;
  close(): Promise<void>;
}

/** One instance: the announcement goes straight to the handler. */
export function localSessionEnds(): SessionEnds {
  const handlers = new Set<(sessionId: string) => void>();
  return {
    announce: (sessionId) => handlers.forEach((handler) => handler(sessionId)),
    listen: (handler) => {
      handlers.add(handler);
    },
    close: async () => {
      handlers.clear();
    },
  };
}

export const SESSION_ENDED_CHANNEL = 'confab:control:session-ended';

/** The announcement on Redis: a boundary, so parsed with zod on receipt. */
const SessionEnded = z.object({ session_id: Id });

/** Several instances: a Redis channel every instance subscribes (the announcing one included). */
export class RedisSessionEnds implements SessionEnds {
  private readonly log: Logger;
  private readonly handlers = new Set<(sessionId: string) => void>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'session-ends' });
    subscriber.on('message', this.onMessage);
  }

  /** Subscribes the channel; resolves once Redis confirmed it. */
  async start(): Promise<void> {
    await this.subscriber.subscribe(SESSION_ENDED_CHANNEL);
  }

  announce(sessionId: string): void {
    this.publisher.publish(SESSION_ENDED_CHANNEL, JSON.stringify({ session_id: sessionId })).catch((error: unknown) => {
      this.log.warn({ err: error }, 'could not announce an ended session; its sockets close at the next session check');
    });
  }

  listen(handler: (sessionId: string) => void): void {
    this.handlers.add(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.subscriber.off('message', this.onMessage);
  }

  private readonly onMessage = (channel: string, text: string): void => {
    if (channel !== SESSION_ENDED_CHANNEL) return;
    const parsed = parseJson(text);
    const announcement = SessionEnded.safeParse(parsed);
    if (!announcement.success) {
      this.log.warn('dropped an invalid session announcement from Redis');
      return;
    }
    for (const handler of this.handlers) handler(announcement.data.session_id);
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
