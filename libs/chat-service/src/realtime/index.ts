import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ChatServiceConfig } from '../config';
import type { Access, Auth, Realtime, Store } from '../contracts';
import type { Logger } from '../logger';
import { createAgentProvider, type AgentProvider } from '../agents';
import { memoryTicketUses, type TicketUses } from '../auth/ticket-uses';
import { InProcessBus, type Bus } from './bus';
import type { RealtimeObserver } from './observer';
import { InProcessPresenceStore, type PresenceStore } from './presence';
import type { ReplyTurns } from './reply-turns';
import { createMemoryRateLimiter, type MessageRateLimiter } from './rate-limit';
import { RealtimeService } from './service';
import type { SessionEnds } from './session-ends';
import type { SharedStreams } from './shared-streams';
import type { StopRelay } from './stop-relay';

export { InProcessBus, type Bus, type BusHandler } from './bus';
export { createMemoryRateLimiter, rateLimiterFrom, type MessageBudget, type MessageRateLimiter, type RateLimitResult } from './rate-limit';
export { RedisBus } from './bus-redis';
export type { RealtimeObserver } from './observer';
export { InProcessPresenceStore, mergePresence, type PresenceStore } from './presence';
export { openRedisScaleOut, type ScaleOut } from './scale-out';
export { localSessionEnds, type SessionEnds } from './session-ends';
export { startStaleStreamSweep, sweepStaleStreams } from './stale-streams';
export type { SharedStreams } from './shared-streams';
export type { StopRelay } from './stop-relay';

export interface RealtimeDeps {
  config: ChatServiceConfig;
  logger: Logger;
  store: Store;
  auth: Auth;
  access: Access;
}

/** Optional replacements for the defaults (a Redis bus and limiter with several instances; a provider in tests). */
export interface RealtimeOptions {
  /** Default: an in-process bus (single instance). A bus passed in is not closed by shutdown(). */
  bus?: Bus;
  /** Default: MESSAGES_PER_IDENTITY per MESSAGES_PER_IDENTITY_WINDOW_S (10 / 60 s), in memory. */
  rateLimiter?: MessageRateLimiter;
  /** Default: OpenAI-compatible when OPENAI_BASE_URL is set, else the demo agent. */
  agentProvider?: AgentProvider;
  /** How often signed-out sessions are looked for (default 60 s). */
  sessionCheckIntervalMs?: number;
  /** Metrics hooks. Default: none. */
  observer?: RealtimeObserver;
  /** Several instances: relay `stop` to the instance running the reply. Default: none (single instance). */
  stopRelay?: StopRelay;
  /** Several instances: replies in flight visible to joiners on other instances. Default: none. */
  sharedStreams?: SharedStreams;
  /** Several instances: waits until published frames are back from Redis (see RedisBus.flush). */
  flushBus?: () => Promise<void>;
  /** Several instances: a failed reply is retried once across all of them. Default: this process. */
  retryClaims?: TicketUses;
  /** Sessions that ended early (sign-out), announced by auth: their sockets close at once. Default: none. */
  sessionEnds?: SessionEnds;
  /** Several instances: where each one's part of a conversation's presence is kept. Default: this process. */
  presenceStore?: PresenceStore;
  /** Several instances: one reply at a time per conversation across all of them. Default: per instance only. */
  replyTurns?: ReplyTurns;
}

export function createRealtime(
  deps: RealtimeDeps,
  options: RealtimeOptions = {},
): Realtime & { handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void } {
  const service = new RealtimeService({
    ...deps,
    bus: options.bus ?? new InProcessBus(),
    ownsBus: options.bus === undefined,
    rateLimiter: options.rateLimiter ?? createMemoryRateLimiter(deps.config.messagesPerIdentity),
    provider: options.agentProvider ?? createAgentProvider(deps.config, deps.logger),
    sessionCheckIntervalMs: options.sessionCheckIntervalMs ?? 60_000,
    observer: options.observer,
    stopRelay: options.stopRelay,
    sharedStreams: options.sharedStreams,
    flushBus: options.flushBus,
    retryClaims: options.retryClaims ?? memoryTicketUses(),
    sessionEnds: options.sessionEnds,
    presenceStore: options.presenceStore ?? new InProcessPresenceStore(),
    replyTurns: options.replyTurns,
  });
  return {
    publish: (conversationId, frame) => service.publish(conversationId, frame),
    endConversation: (conversationId, message) => service.endConversation(conversationId, message),
    startAgentReply: (conversation, userMessage) => service.startAgentReply(conversation, userMessage),
    shutdown: () => service.shutdown(),
    handleUpgrade: (req, socket, head) => service.handleUpgrade(req, socket, head),
  };
}
