import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';

/**
 * Whose turn it is to reply in a conversation, across instances. Each instance queues its own
 * replies per conversation (`AgentReplies`); with several instances, two people on two instances
 * mentioning the agent at once would otherwise get two replies streaming side by side, the later
 * one written without seeing the earlier. A turn is held from before the reply reads its context
 * until its `done` is out.
 */
export interface ReplyTurns {
  /**
   * Resolves once this process holds the conversation's turn, or with null when `signal` aborted
   * first (shutdown, the conversation deleted).
   */
  take(conversationId: string, signal: AbortSignal): Promise<HeldTurn | null>;
}

export interface HeldTurn {
  /** Pushes the turn's expiry back: called while the reply streams, so a live reply keeps its turn. */
  renew(): void;
  release(): Promise<void>;
}

/**
 * How long a turn outlives its last renewal. The holder renews with its streaming rows' keep-alive
 * (a quarter of STALE_STREAM_AFTER_S), so only an instance that died holding it lets it run out:
 * the next reply then waits at most this long.
 */
export const TURN_TTL_FACTOR = 4;
/** How often a waiting reply asks again (a turn's end is not announced: asking is cheaper to get right). */
const POLL_MS = 100;

const RENEW_IF_HELD = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_IF_HELD = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A Redis key per conversation, set only if absent, holding a random token (so only its holder
 * renews or deletes it). While Redis cannot answer, a reply goes ahead without the turn: an outage
 * of the bus must not silence the agent (its replies are then ordered per instance only, as
 * without Redis).
 */
export class RedisReplyTurns implements ReplyTurns {
  private readonly log: Logger;

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
    logger: Logger,
    private readonly keyPrefix = 'confab:turn:',
  ) {
    this.log = logger.child({ component: 'reply-turns' });
  }

  async take(conversationId: string, signal: AbortSignal): Promise<HeldTurn | null> {
    const key = `${this.keyPrefix}${conversationId}`;
    const token = randomUUID();
    while (!signal.aborted) {
      let taken: boolean;
      try {
        taken = (await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) === 'OK';
      } catch (error) {
        this.log.warn({ err: error, conversationId }, 'could not take the reply turn in Redis; replying without it');
        return UNHELD;
      }
      if (taken) return this.held(key, token);
      try {
        await sleep(POLL_MS, undefined, { signal });
      } catch {
        break; // aborted
      }
    }
    return null;
  }

  private held(key: string, token: string): HeldTurn {
    return {
      renew: () => {
        this.redis.eval(RENEW_IF_HELD, 1, key, token, String(this.ttlMs)).catch((error: unknown) => this.log.warn({ err: error, key }, 'could not renew a reply turn'));
      },
      release: async () => {
        try {
          await this.redis.eval(RELEASE_IF_HELD, 1, key, token);
        } catch (error) {
          // It runs out by itself (ttlMs): the next reply waits until then.
          this.log.warn({ err: error, key }, 'could not release a reply turn');
        }
      },
    };
  }
}

const UNHELD: HeldTurn = { renew: () => undefined, release: async () => undefined };
