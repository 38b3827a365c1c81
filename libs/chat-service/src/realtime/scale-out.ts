import { randomUUID } from 'node:crypto';
import { MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_S } from '@confab/protocol';
import { redisTicketUses, type TicketUses } from '../auth/ticket-uses';
import { redisBudgets, type Budgets } from '../budgets';
import type { Logger } from '../logger';
import { RedisBus } from './bus-redis';
import type { PresenceStore } from './presence';
import { RedisPresenceStore } from './presence-redis';
import { RedisReplyTurns, type ReplyTurns } from './reply-turns';
import { rateLimiterFrom, type MessageBudget, type MessageRateLimiter } from './rate-limit';
import { openRedisConnections } from './redis-connections';
import { RedisSharedStreams, type SharedStreams } from './shared-streams';
import { RedisSessionEnds, type SessionEnds } from './session-ends';
import { RedisStopRelay, type StopRelay } from './stop-relay';

export interface ScaleOutOptions {
  /** How long a reply's turn outlives its last renewal (STALE_STREAM_AFTER_S). */
  replyTurnTtlMs: number;
  /** Messages per identity (MESSAGES_PER_IDENTITY), one budget across the instances. */
  messagesPerIdentity?: MessageBudget;
}

/** Everything the realtime layer shares between instances when REDIS_URL is set. */
export interface ScaleOut {
  bus: RedisBus;
  /** Counters of every rate limit (sign-in attempts, new visitors and accounts per address). */
  budgets: Budgets;
  rateLimiter: MessageRateLimiter;
  stopRelay: StopRelay;
  /** Signed-out sessions, so every instance closes their sockets at once. */
  sessionEnds: SessionEnds;
  sharedStreams: SharedStreams;
  /** Tickets used on any instance (each opens one socket). */
  ticketUses: TicketUses;
  /** Failed replies retried on any instance (each is answered again once). */
  retryClaims: TicketUses;
  /** Every instance's part of who has a post's conversation open. */
  presenceStore: PresenceStore;
  /** Whose turn it is to reply in a conversation (one reply at a time across instances). */
  replyTurns: ReplyTurns;
  /** Call after the realtime layer has shut down (its last `done` frames go out through Redis). */
  close(): Promise<void>;
}

/**
 * Connects to Redis and builds the shared pieces. What stays per instance, on purpose:
 * the typing throttle (1 start/s per identity and conversation: a person types through one socket,
 * so one instance sees all of their typing frames), the per-socket abuse limits, and the caps on
 * open sockets per address and identity (counts of live sockets: in Redis they would outlive an
 * instance that crashed holding them).
 */
export async function openRedisScaleOut(redisUrl: string, instanceId: string, logger: Logger, options: ScaleOutOptions): Promise<ScaleOut> {
  const messagesPerIdentity = options.messagesPerIdentity ?? { points: MESSAGE_RATE_LIMIT, durationS: MESSAGE_RATE_WINDOW_S };
  const connections = await openRedisConnections(redisUrl, logger);
  const bus = new RedisBus(connections.commands, connections.subscriber, logger);
  const stopRelay = new RedisStopRelay(connections.commands, connections.subscriber, logger);
  const sessionEnds = new RedisSessionEnds(connections.commands, connections.subscriber, logger);
  try {
    await stopRelay.start();
    await sessionEnds.start();
  } catch (error) {
    await connections.close();
    throw error;
  }
  const budgets = redisBudgets(connections.commands);
  const rateLimiter = rateLimiterFrom(budgets({ keyPrefix: 'msg', ...messagesPerIdentity }));
  return {
    bus,
    budgets,
    rateLimiter,
    stopRelay,
    sessionEnds,
    sharedStreams: new RedisSharedStreams(connections.commands, logger),
    ticketUses: redisTicketUses(connections.commands, logger),
    retryClaims: redisTicketUses(connections.commands, logger, Date.now, 'confab:retry:'),
    presenceStore: new RedisPresenceStore(connections.commands, `${instanceId}:${randomUUID()}`, logger),
    replyTurns: new RedisReplyTurns(connections.commands, options.replyTurnTtlMs, logger),
    async close() {
      await bus.close();
      await stopRelay.close();
      await sessionEnds.close();
      await connections.close();
    },
  };
}
