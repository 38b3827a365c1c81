import type { Redis } from 'ioredis';
import { StreamData } from '@confab/protocol';
import type { Logger } from '../logger';

/**
 * Replies in flight, visible to every instance. A client that (re)joins gets one `stream` frame per
 * reply still streaming, with its whole text so far; the reply may run on another instance, so
 * the running instance shares what it has published at the batching cadence.
 */
export interface SharedStreams {
  /** A snapshot of the reply as just published: its whole text, no delta (fire-and-forget). */
  update(data: StreamData): void;
  /** The reply is over: its `done` follows on the bus. */
  end(conversationId: string, messageId: string): void;
  /** Replies of a conversation streaming anywhere (possibly a few ms behind the bus: clients keep the longer content). */
  list(conversationId: string): Promise<StreamData[]>;
}

export const STREAMS_KEY_PREFIX = 'confab:streams:';

const streamsKey = (conversationId: string): string => `${STREAMS_KEY_PREFIX}${conversationId}`;

/**
 * Refreshed on every update: if the instance running a reply dies, its entry disappears by itself
 * (the row stays `streaming` until Store.interruptStaleStreams, and sync sends the stored content).
 */
const ENTRY_TTL_MS = 60_000;

/** One Redis hash per conversation: field = message id, value = the last `stream` data (JSON). */
export class RedisSharedStreams implements SharedStreams {
  private readonly log: Logger;

  constructor(
    private readonly redis: Redis,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'shared-streams' });
  }

  update(data: StreamData): void {
    const key = streamsKey(data.conversation_id);
    // Same connection as the bus's publish, right after it: Redis applies them in that order.
    this.redis
      .multi()
      .hset(key, data.message_id, JSON.stringify(data))
      .pexpire(key, ENTRY_TTL_MS)
      .exec()
      .catch((error: unknown) => this.log.warn({ err: error, messageId: data.message_id }, 'could not share reply progress'));
  }

  end(conversationId: string, messageId: string): void {
    this.redis.hdel(streamsKey(conversationId), messageId).catch((error: unknown) => {
      this.log.warn({ err: error, messageId }, 'could not remove a finished reply from Redis');
    });
  }

  async list(conversationId: string): Promise<StreamData[]> {
    let entries: Record<string, string>;
    try {
      entries = await this.redis.hgetall(streamsKey(conversationId));
    } catch (error) {
      // Joining still works: the `sync` pages carry the stored (slightly older) content.
      this.log.warn({ err: error, conversationId }, 'could not read replies in flight from Redis');
      return [];
    }
    const result: StreamData[] = [];
    for (const [messageId, text] of Object.entries(entries)) {
      const data = parseEntry(text);
      if (data && data.message_id === messageId && data.conversation_id === conversationId) result.push(data);
      else this.log.warn({ conversationId, messageId }, 'ignored an invalid reply snapshot in Redis');
    }
    return result.sort((a, b) => a.seq - b.seq);
  }
}

function parseEntry(text: string): StreamData | null {
  try {
    const parsed = StreamData.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
