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
  /** What to do with each ended session. One handler. */
  listen(handler: (sessionId: string) => void): void;
  close(): Promise<void>;
}

/** One instance: the announcement goes straight to the handler. */
export function localSessionEnds(): SessionEnds {
  let handler: ((sessionId: string) => void) | null = null;
  return {
    announce: (sessionId) => handler?.(sessionId),
    listen: (next) => {
      handler = next;
    },
    close: async () => {
      handler = null;
    },
  };
}

export const SESSION_ENDED_CHANNEL = 'confab:control:session-ended';

/** The announcement on Redis: a boundary, so parsed with zod on receipt. */
const SessionEnded = z.object({ session_id: Id });

/** Several instances: a Redis channel every instance subscribes (the announcing one included). */
export class RedisSessionEnds implements SessionEnds {
  private readonly log: Logger;
  private handler: ((sessionId: string) => void) | null = null;

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
    this.handler = handler;
  }

  async close(): Promise<void> {
    this.handler = null;
    this.subscriber.off('message', this.onMessage);
  }

  private readonly onMessage = (channel: string, text: string): void => {
    if (channel !== SESSION_ENDED_CHANNEL || !this.handler) return;
    const parsed = parseJson(text);
    const announcement = SessionEnded.safeParse(parsed);
    if (!announcement.success) {
      this.log.warn('dropped an invalid session announcement from Redis');
      return;
    }
    this.handler(announcement.data.session_id);
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
