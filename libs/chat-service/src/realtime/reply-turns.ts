import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientContext, Redis, Result } from 'ioredis';
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
   * first (shutdown, the conversation deleted). `seq`: the message the reply answers; waiting
   * replies take their turns in the order of their questions, whichever instance they wait on.
   */
  take(conversationId: string, seq: number, signal: AbortSignal): Promise<HeldTurn | null>;
  /** Whether a reply of the conversation holds its turn or waits for it, on any instance (true when that cannot be told). */
  pending(conversationId: string): Promise<boolean>;
}

export interface HeldTurn {
  /** Pushes the turn's expiry back: called while the reply streams, so a live reply keeps its turn. */
  renew(): void;
  release(): Promise<void>;
}

/** How often a waiting reply asks again (a turn's end is not announced: asking is cheaper to get right). */
const POLL_MS = 100;
/** A waiter that stopped asking this long ago (its instance died) loses its place in line. */
const WAITER_TTL_MS = 5_000;
/** Past this, Redis counts as unreachable for this turn: the reply goes ahead without it. */
const REDIS_ANSWER_MS = 1_000;

/**
 * KEYS: the turn, the line (score: the seq a waiter answers), the waiters' deadlines (score: ms).
 * ARGV: token, seq, turn ttl ms, waiter ttl ms. Takes the turn when it is free and this waiter is
 * first in line among those still asking; otherwise keeps its place. Redis's clock judges waiters.
 */
const TAKE_IN_TURN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('ZREM', KEYS[2], gone)
  redis.call('ZREM', KEYS[3], gone)
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if first == false or first == nil or first == ARGV[1] or tonumber(redis.call('ZSCORE', KEYS[2], first)) > tonumber(ARGV[2]) then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
    redis.call('ZREM', KEYS[2], ARGV[1])
    redis.call('ZREM', KEYS[3], ARGV[1])
    return 1
  end
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return 0`;
const RENEW_IF_HELD = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_IF_HELD = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

// The scripts above as commands of the connection (`defineCommand`): the text goes once per
// connection, then only its SHA1 (EVALSHA); ioredis sends the text again if Redis lost it (a restart).
declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    confabTakeInTurn(turn: string, line: string, deadlines: string, token: string, seq: string, ttlMs: string, waiterTtlMs: string): Result<unknown, Context>;
    confabRenewTurn(turn: string, token: string, ttlMs: string): Result<unknown, Context>;
    confabReleaseTurn(turn: string, token: string): Result<unknown, Context>;
  }
}

/**
 * A Redis key per conversation, set only for the first in line (the lowest seq among waiters still
 * asking), holding a random token so only its holder renews or deletes it. An instance whose replies
 * are queued does not keep the turn to itself: its next reply joins the line when the previous one
 * ends, behind questions asked earlier on other instances. While Redis cannot answer, a reply goes
 * ahead without the turn: an outage of the bus must not silence the agent (its replies are then
 * ordered per instance only, as without Redis).
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
    redis.defineCommand('confabTakeInTurn', { numberOfKeys: 3, lua: TAKE_IN_TURN });
    redis.defineCommand('confabRenewTurn', { numberOfKeys: 1, lua: RENEW_IF_HELD });
    redis.defineCommand('confabReleaseTurn', { numberOfKeys: 1, lua: RELEASE_IF_HELD });
  }

  async take(conversationId: string, seq: number, signal: AbortSignal): Promise<HeldTurn | null> {
    const key = `${this.keyPrefix}${conversationId}`;
    const [line, deadlines] = [`${key}:line`, `${key}:waiters`];
    const token = randomUUID();
    while (!signal.aborted) {
      let taken: boolean;
      try {
        taken = (await this.answered(() => this.redis.confabTakeInTurn(key, line, deadlines, token, String(seq), String(this.ttlMs), String(WAITER_TTL_MS)))) === 1;
      } catch (error) {
        this.log.warn({ err: error, conversationId }, 'could not take the reply turn in Redis; replying without it');
        return UNHELD;
      }
      if (taken && signal.aborted) {
        await this.held(key, token).release();
        break;
      }
      if (taken) return this.held(key, token);
      try {
        await sleep(POLL_MS, undefined, { signal });
      } catch {
        break; // aborted
      }
    }
    // Out of the line at once: the ones behind must not wait for this place to lapse.
    this.redis.multi().zrem(line, token).zrem(deadlines, token).exec().catch(() => undefined);
    return null;
  }

  async pending(conversationId: string): Promise<boolean> {
    const key = `${this.keyPrefix}${conversationId}`;
    try {
      const [held, waiting] = await this.answered(() => Promise.all([this.redis.exists(key), this.redis.zcard(`${key}:line`)]));
      return held + waiting > 0;
    } catch (error) {
      // Unknown: a reply may be on its way, and it must not be called unanswered.
      this.log.warn({ err: error, conversationId }, 'could not tell from Redis whether a reply is on its way');
      return true;
    }
  }

  /**
   * Redis's answer, or an error when it has none soon (reconnecting: ioredis would hold the command
   * for seconds). Not sent at all unless Redis is ready: a command queued while it reconnects would
   * fail later with nobody listening (an unhandled rejection), or take a turn nobody releases.
   */
  private answered<T>(send: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') return Promise.reject(new Error(`Redis is ${this.redis.status}`));
    return Promise.race([send(), sleep(REDIS_ANSWER_MS).then(() => Promise.reject(new Error('Redis did not answer in time')))]);
  }

  private held(key: string, token: string): HeldTurn {
    return {
      renew: () => {
        this.redis.confabRenewTurn(key, token, String(this.ttlMs)).catch((error: unknown) => this.log.warn({ err: error, key }, 'could not renew a reply turn'));
      },
      release: async () => {
        try {
          await this.redis.confabReleaseTurn(key, token);
        } catch (error) {
          // It runs out by itself (ttlMs): the next reply waits until then.
          this.log.warn({ err: error, key }, 'could not release a reply turn');
        }
      },
    };
  }
}

const UNHELD: HeldTurn = { renew: () => undefined, release: async () => undefined };

/**
 * One instance's side of the turns: the turns its replies hold (renewed with the streaming rows'
 * keep-alive) and the waits of replies not started yet (a deleted conversation ends them).
 */
export class TurnKeeper {
  private readonly held = new Map<string, HeldTurn>();
  private readonly waiting = new Map<string, AbortController>();

  constructor(private readonly turns: ReplyTurns) {}

  /**
   * Runs `reply` while holding the conversation's turn, and releases it after. False, without
   * running it, when the wait ended first (`stopping`, or `endWait`).
   */
  async inTurn(conversationId: string, seq: number, stopping: AbortSignal, reply: () => Promise<boolean>): Promise<boolean> {
    const deleted = new AbortController();
    this.waiting.set(conversationId, deleted);
    const turn = await this.turns.take(conversationId, seq, AbortSignal.any([stopping, deleted.signal])).finally(() => this.waiting.delete(conversationId));
    if (!turn) return false;
    this.held.set(conversationId, turn);
    try {
      return await reply();
    } finally {
      this.held.delete(conversationId);
      await turn.release();
    }
  }

  pending(conversationId: string): Promise<boolean> {
    return this.turns.pending(conversationId);
  }

  renewAll(): void {
    for (const turn of this.held.values()) turn.renew();
  }

  /** The conversation was deleted: a reply waiting for its turn gives up. */
  endWait(conversationId: string): void {
    this.waiting.get(conversationId)?.abort();
  }
}
