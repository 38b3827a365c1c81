import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { Id, ReplyAsker } from '@confab/protocol';
import type { Store } from '../contracts';
import type { Logger } from '../logger';

/** Stops a reply running on this instance (if `requester`, when given, asked for it); returns whether it did. */
export type LocalStop = (conversationId: string, messageId: string | undefined, requester: ReplyAsker | undefined) => boolean;

/**
 * With several instances an agent reply runs on the instance that stored the user's message,
 * while the `stop` may arrive on any other one. The relay carries such requests to all instances;
 * the one running the reply aborts it (and publishes its `done` through the bus as usual).
 */
export interface StopRelay {
  /** Asks every other instance to stop the reply (the newest of the conversation when messageId is undefined). */
  request(conversationId: string, messageId: string | undefined, requester?: ReplyAsker): void;
  /** Registers what to do with requests from other instances. One handler per relay. */
  listen(stopLocally: LocalStop): void;
  close(): Promise<void>;
}

export const STOP_CHANNEL = 'confab:control:stop';

/**
 * What a `stop` did. `stopped` (here) and `relayed` (to the instance running it): the reply's `done`
 * follows. `not-yours`: refused. `nothing`: no reply of the conversation (by that id, or asked for
 * by the requester) is streaming anywhere.
 */
export type StopResult = 'stopped' | 'relayed' | 'not-yours' | 'nothing';

export function sameAsker(a: ReplyAsker | undefined, b: ReplyAsker): boolean {
  return a !== undefined && a.kind === b.kind && a.id === b.id;
}

/**
 * A stop for a reply this instance does not run. Which instance runs a reply is known only to that
 * instance, and the relay is fire-and-forget (waiting for every instance to say "not mine" would
 * make each stop as slow as the slowest instance, and one that is gone never says it). The rows are
 * what they all share: a reply whose row is no longer `streaming` has had its `done` published (the
 * row is written first), so only then is there nothing to stop. A row still `streaming` is relayed:
 * its `done` comes from the instance running it (or, if that one died, from the stale-stream
 * sweep), which answers this stop too.
 */
export async function stopElsewhere(store: Pick<Store, 'streamingReplies'>, relay: StopRelay, conversationId: string, messageId: string | undefined, requester: ReplyAsker | undefined): Promise<StopResult> {
  const streaming = await store.streamingReplies(conversationId);
  const target = messageId ? streaming.find((reply) => reply.id === messageId) : streaming.find((reply) => !requester || sameAsker(reply.askedBy, requester));
  if (!target) return 'nothing';
  if (requester && !sameAsker(target.askedBy, requester)) return 'not-yours';
  relay.request(conversationId, messageId, requester);
  return 'relayed';
}

/** The relay's wire format on Redis: a boundary, so parsed with zod on receipt. */
const StopRequest = z.object({
  origin: z.string().min(1),
  conversation_id: Id,
  message_id: z.optional(Id),
  /** Who asked to stop, in a shared conversation (only the person who asked for a reply may stop it). */
  requested_by: z.optional(ReplyAsker),
});
type StopRequest = z.infer<typeof StopRequest>;

export class RedisStopRelay implements StopRelay {
  /** Random per process: INSTANCE_ID is for people and may be copied between instances by mistake. */
  private readonly origin = randomUUID();
  private readonly log: Logger;
  private handler: LocalStop | null = null;
  private closed = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'stop-relay' });
    subscriber.on('message', this.onMessage);
  }

  /** Subscribes the control channel; resolves once Redis confirmed it. */
  async start(): Promise<void> {
    await this.subscriber.subscribe(STOP_CHANNEL);
  }

  request(conversationId: string, messageId: string | undefined, requester?: ReplyAsker): void {
    if (this.closed) return;
    const payload: StopRequest = {
      origin: this.origin,
      conversation_id: conversationId,
      ...(messageId ? { message_id: messageId } : {}),
      ...(requester ? { requested_by: requester } : {}),
    };
    this.publisher.publish(STOP_CHANNEL, JSON.stringify(payload)).catch((error: unknown) => {
      this.log.warn({ err: error, conversationId, messageId }, 'could not relay a stop request');
    });
  }

  listen(stopLocally: LocalStop): void {
    this.handler = stopLocally;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handler = null;
    this.subscriber.off('message', this.onMessage);
  }

  private readonly onMessage = (channel: string, text: string): void => {
    if (channel !== STOP_CHANNEL || !this.handler) return;
    const request = parseStopRequest(text);
    if (!request) {
      this.log.warn('dropped an invalid stop request from Redis');
      return;
    }
    // The requesting instance tried its own replies before relaying.
    if (request.origin === this.origin) return;
    const stopped = this.handler(request.conversation_id, request.message_id, request.requested_by);
    if (stopped) this.log.info({ conversationId: request.conversation_id, messageId: request.message_id }, 'stopped a reply on request of another instance');
  };
}

function parseStopRequest(text: string): StopRequest | null {
  try {
    const parsed = StopRequest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
