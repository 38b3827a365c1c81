import { HISTORY_MAX_PAGE_SIZE, type ClientFrame, type Identity, type Message, type NextAction, type RetryReplyAction, type ServerFrame, type StopAction } from '@confab/protocol';
import type { TicketUses } from '../auth/ticket-uses';
import type { MessagePage, Store } from '../contracts';
import type { AgentReplies } from './agent-replies';
import { refuseWhileStopping } from './refusals';
import { identityKey, type ClientConnection } from './connection';
import { SLOW_CONSUMER_DROP_BYTES, shouldAgentReply } from './frames';
import type { SyncBudget } from './limits';
import type { RealtimeObserver } from './observer';
import type { MessageRateLimiter } from './rate-limit';
import { asksAgent, decideRetry, retryClaimKey } from './retry-reply';
import { rateLimitWords } from './send-order';
import type { TypingRelay } from './typing-relay';

export interface ConversationCommandsDeps {
  store: Store;
  rateLimiter: MessageRateLimiter;
  /** A failed reply is answered again once (in Redis with several instances). */
  retryClaims: TicketUses;
  replies: AgentReplies;
  typing: TypingRelay;
  publish(conversationId: string, frame: ServerFrame): void;
  observer?: RealtimeObserver;
  /** Sync pages waiting in this process, per client address. */
  syncBudget: SyncBudget;
  /** How long a socket may leave a sync page (or a backlog) untaken before it is closed as a slow consumer. */
  slowConsumerTimeoutMs: number;
  /** This instance is stopping: it starts no reply, so it stores no message (`refuseWhileStopping`). */
  isStopping(): boolean;
}

/** How many of the newest messages a retried reply is looked for among. */
const RETRY_LOOKBACK = 20;
/** How long a retried reply stays claimed: past it, a newer reply exists (decideRetry refuses). */
const RETRY_CLAIM_MS = 10 * 60_000;

/**
 * What a client asks of its conversation once its socket is open: send a message (`next`), stop a
 * reply (`stop`), have a failed reply answered again (`retry_reply`, threads), catch up (`sync`).
 * The connection lifecycle and frame decoding stay in service.ts.
 */
export class ConversationCommands {
  constructor(private readonly deps: ConversationCommandsDeps) {}

  /**
   * Handles `next`, `stop` and `sync` one at a time per socket, in the order they arrived. A `sync`
   * arriving while another waits its turn joins it (`queuedSyncAfter`): a history read is the
   * costliest thing a socket can ask for, anonymous readers of a post included.
   */
  enqueue(connection: ClientConnection, frame: Exclude<ClientFrame, { event: 'ping' | 'typing' }>): void {
    if (frame.event === 'sync') {
      const queued = connection.queuedSyncAfter;
      connection.queuedSyncAfter = queued === null ? frame.data.after_seq : Math.min(queued, frame.data.after_seq);
      if (queued !== null) return;
    }
    connection.queue = connection.queue.then(async () => {
      try {
        if (frame.event === 'sync') await this.runQueuedSync(connection);
        else if (frame.data.action === 'next') await this.next(connection, frame.data);
        else if (frame.data.action === 'retry_reply') await this.retryReply(connection, frame.data);
        else await this.stop(connection, frame.data);
      } catch (error) {
        connection.log.error({ err: error, event: frame.event }, 'frame handling failed');
        const clientMessageId = frame.event === 'action' && frame.data.action === 'next' ? frame.data.client_message_id : undefined;
        // The client sends the message again (a server failure is temporary): the ones after it wait for it.
        if (clientMessageId !== undefined) connection.sendOrder.refused(clientMessageId, { code: 'INTERNAL_ERROR', retryAt: Date.now() }, Date.now());
        connection.sendError({ code: 'INTERNAL_ERROR', message: 'Something went wrong on the server. Try again.', ...(clientMessageId === undefined ? {} : { client_message_id: clientMessageId }) });
      }
    });
  }

  private async next(connection: ClientConnection, action: NextAction): Promise<void> {
    const { principal } = connection;
    const clientMessageId = action.client_message_id;
    if (!connection.canWrite || !principal) {
      connection.sendError({ code: 'FORBIDDEN', message: 'Sign in to join the conversation.', client_message_id: clientMessageId });
      return;
    }
    const identity = principal.identity;
    // On arrival, not once stored: the first keystroke of the next message may come before that.
    this.deps.typing.sent(connection.conversation.id, identity);
    // An earlier message was refused for a while and not sent again yet: this one may not overtake it.
    const mustWait = connection.sendOrder.turnOf(clientMessageId, Date.now());
    if (mustWait) {
      if (await this.answeredAsStored(connection, identity, clientMessageId)) return;
      connection.log.debug({ clientMessageId, code: mustWait.code }, 'message waits for an earlier refused one');
      connection.sendError(mustWait);
      return;
    }
    const rateKey = identityKey(identity);
    // A resend of a message stored before (its ack was lost with the connection) is re-acked and costs
    // no rate budget: an outbox flushed after a network cut must not be refused for messages delivered.
    // Looked up only when the budget is spent; otherwise the append finds it and the budget is refunded.
    const limit = await this.deps.rateLimiter.consume(rateKey);
    if (!limit.allowed) {
      if (await this.answeredAsStored(connection, identity, clientMessageId)) return;
      connection.sendOrder.refused(clientMessageId, { code: 'RATE_LIMIT', retryAt: Date.now() + limit.retryAfterS * 1000 }, Date.now());
      connection.sendError({ code: 'RATE_LIMIT', message: rateLimitWords(limit.retryAfterS), retry_after_s: limit.retryAfterS, client_message_id: clientMessageId });
      return;
    }
    // Checked last before storing: a message queued on the socket, or waiting on the rate limiter,
    // when the shutdown began is refused too.
    if (this.deps.isStopping()) {
      await this.deps.rateLimiter.refund(rateKey);
      connection.sendOrder.refused(clientMessageId, { code: 'INTERNAL_ERROR', retryAt: Date.now() }, Date.now());
      return refuseWhileStopping(connection, clientMessageId);
    }
    await this.append(connection, identity, rateKey, action);
  }

  /** Stores the message (its budget taken), acks it, and tells the room. */
  private async append(connection: ClientConnection, identity: Identity, rateKey: string, action: NextAction): Promise<void> {
    const { conversation } = connection;
    const clientMessageId = action.client_message_id;
    const { message, duplicate } = await this.deps.store.appendMessage({
      conversationId: conversation.id,
      clientMessageId,
      author: { kind: identity.kind, id: identity.id, display_name: identity.display_name },
      content: action.message,
      status: 'complete',
      source: 'text',
    });
    // Stored, or refused for good just below: either way the messages behind it have their turn.
    connection.sendOrder.settled(clientMessageId, Date.now());
    // Someone else's message under this id (ids are per conversation): theirs is not acked as ours.
    if (duplicate && !writtenBy(message, identity)) {
      await this.deps.rateLimiter.refund(rateKey);
      return sendIdTaken(connection, clientMessageId);
    }
    connection.send({ event: 'ack', data: { client_message_id: clientMessageId, message_id: message.id, seq: message.seq, duplicate } });
    // A resend after a lost ack: already delivered and answered the first time.
    if (duplicate) return this.refundAfterAck(connection, rateKey);
    this.deps.publish(conversation.id, { event: 'message', data: { message } });
    if (shouldAgentReply(conversation.kind, action.message, conversation.persona.handle)) this.deps.replies.start(conversation, message);
  }

  /**
   * Best effort: the message is acked, so a failure here (Redis hiccups) must not reach the frame's
   * error handler, which would refuse the acked message and hold the ones behind it.
   */
  private async refundAfterAck(connection: ClientConnection, rateKey: string): Promise<void> {
    await this.deps.rateLimiter.refund(rateKey).catch((error: unknown) => connection.log.warn({ err: error }, 'could not refund a duplicate message'));
  }

  /**
   * A message refused before it could be appended (budget spent, or waiting its turn) may be a
   * resend of one stored before: acked as before (or CONFLICT when the id is someone else's), and
   * true. False when it is not stored.
   */
  private async answeredAsStored(connection: ClientConnection, identity: Identity, clientMessageId: string): Promise<boolean> {
    const stored = await this.deps.store.findByClientMessageId(connection.conversation.id, clientMessageId);
    if (!stored) return false;
    connection.sendOrder.settled(clientMessageId, Date.now());
    if (!writtenBy(stored, identity)) sendIdTaken(connection, clientMessageId);
    else connection.send({ event: 'ack', data: { client_message_id: clientMessageId, message_id: stored.id, seq: stored.seq, duplicate: true } });
    return true;
  }

  /**
   * A message dropped on arrival by the frame rate limit (RATE_LIMIT, sent then): the frames that
   * arrived before it may still wait in the queue, so it takes its place there, and the messages
   * that arrive after it wait for it.
   */
  droppedOnArrival(connection: ClientConnection, clientMessageId: string, retryAfterS: number): void {
    const retryAt = Date.now() + retryAfterS * 1000;
    connection.queue = connection.queue.then(() => connection.sendOrder.refused(clientMessageId, { code: 'RATE_LIMIT', retryAt }, Date.now()));
  }

  /** A message refused for good on arrival (too long, not valid): nothing waits for it to come back. */
  refusedOnArrival(connection: ClientConnection, clientMessageId: string): void {
    connection.queue = connection.queue.then(() => connection.sendOrder.settled(clientMessageId, Date.now()));
  }

  /**
   * A new reply where the newest one failed or was cut off, in a thread, or to a question whose
   * reply never started (`unanswered`), in a thread or a post (`decideRetry` says when).
   * It costs a message of the asker's budget, as asking again would, and happens once: two presses,
   * two tabs or two instances race for one claim on the reply.
   */
  private async retryReply(connection: ClientConnection, action: RetryReplyAction): Promise<void> {
    const { conversation, principal } = connection;
    if (!connection.canWrite || !principal) {
      connection.sendError({ code: 'FORBIDDEN', message: 'Sign in to join the conversation.' });
      return;
    }
    // A stopped reply with messages queued behind it: their reply is already on its way, here or
    // (several instances) holding or waiting for the conversation's turn on another.
    if (await this.deps.replies.pending(conversation.id)) {
      connection.sendError({ code: 'CONFLICT', message: 'A reply is already on its way.' });
      return;
    }
    const recent = await this.deps.store.recentMessages(conversation.id, RETRY_LOOKBACK);
    const decision = decideRetry(recent, action.message_id, principal.identity, (m) => asksAgent(conversation, m));
    if (!decision.ok) {
      connection.sendError({ code: decision.code, message: decision.message });
      return;
    }
    // In a post, others write between a question and its reply: which message a failed reply
    // answered is not known for sure there, and answering someone else's would be wrong. A mention
    // whose reply never started is named itself, and answered if it is still the asker's newest word.
    if (conversation.kind !== 'thread' && decision.answering.id !== action.message_id) {
      connection.sendError({ code: 'FORBIDDEN', message: `In a shared conversation, ask again by mentioning @${conversation.persona.handle}.` });
      return;
    }
    const rateKey = identityKey(principal.identity);
    const limit = await this.deps.rateLimiter.consume(rateKey);
    if (!limit.allowed) {
      connection.sendError({ code: 'RATE_LIMIT', message: rateLimitWords(limit.retryAfterS), retry_after_s: limit.retryAfterS });
      return;
    }
    const claimKey = retryClaimKey(recent, decision.answering);
    if (!(await this.deps.retryClaims.claim(claimKey, Date.now() + RETRY_CLAIM_MS))) {
      await this.deps.rateLimiter.refund(rateKey);
      connection.sendError({ code: 'CONFLICT', message: 'This reply is already being answered again.' });
      return;
    }
    // Asked again while this waited on the database and Redis (another tab sent a message, whose
    // reply is now queued): a retry queued behind it would answer the older question after it. Or
    // the service began to stop: the reply could not start.
    const stopping = this.deps.isStopping();
    if (stopping || (await this.deps.replies.pending(conversation.id))) {
      await Promise.all([this.deps.rateLimiter.refund(rateKey), this.deps.retryClaims.release(claimKey)]);
      connection.sendError(stopping ? { code: 'INTERNAL_ERROR', message: 'The server is restarting. Try again in a moment.' } : { code: 'CONFLICT', message: 'A reply is already on its way.' });
      return;
    }
    // Should it never start (shutdown, the database down), the reply may be asked for again at once, not in 10 minutes.
    const releaseClaim = (): void => {
      this.deps.retryClaims.release(claimKey).catch((error: unknown) => connection.log.warn({ err: error }, 'could not release a retry claim'));
    };
    // A failed reply is left out of the new one's context; a question named is kept in it.
    const replaced = recent.find((m) => m.id === action.message_id)?.author.kind === 'agent' ? action.message_id : undefined;
    this.deps.replies.start(conversation, decision.answering, { messageId: replaced, onNotStarted: releaseClaim });
  }

  private async stop(connection: ClientConnection, action: StopAction): Promise<void> {
    // Threads are writable by their owner only, posts by signed-in users: the same rule decides who may stop.
    if (!connection.canWrite) {
      connection.sendError({ code: 'FORBIDDEN', message: 'You cannot stop replies in this conversation.' });
      return;
    }
    // In a shared conversation, only the person who asked for a reply may stop it: others would be
    // ending someone else's answer. (A thread has one writer, its owner.)
    const identity = connection.principal?.identity;
    const requester = connection.conversation.kind === 'post' && identity ? { kind: identity.kind, id: identity.id } : undefined;
    // With several instances the reply may run elsewhere: then AgentReplies relays the request (StopRelay).
    const result = await this.deps.replies.stop(connection.conversation.id, action.message_id, requester);
    if (result === 'not-yours') {
      connection.sendError({ code: 'FORBIDDEN', message: 'Only the person who asked can stop this reply.' });
    } else if (result === 'nothing') {
      // Said to the sender alone: a Stop pressed as the reply ended is normal, and silence would read as a lost request.
      const messageId = action.message_id ? { message_id: action.message_id } : {};
      connection.sendError({ code: 'NOTHING_TO_STOP', message: 'There is no reply being written to stop.', ...messageId });
    }
    connection.log.debug({ result, messageId: action.message_id }, 'stop requested');
  }

  private async runQueuedSync(connection: ClientConnection): Promise<void> {
    const afterSeq = connection.queuedSyncAfter;
    connection.queuedSyncAfter = null;
    // Nobody to answer any more: no history read for a socket that closed while this waited.
    if (afterSeq === null || !connection.isOpen) return;
    await this.sync(connection, afterSeq);
  }

  /**
   * Sends every message after `afterSeq`, in pages, then the replies in flight. What this costs in
   * memory stays small whatever the history and however the client reads: a page holds at most
   * SYNC_PAGE_MAX_BYTES of text (less when the client's address has many pages waiting here, see
   * SyncBudget), and the next page is read only once the previous one has left the process. A
   * client that stops reading holds one page here until it is closed as a slow consumer.
   */
  private async sync(connection: ClientConnection, afterSeq: number): Promise<void> {
    const conversationId = connection.conversation.id;
    const { syncBudget, slowConsumerTimeoutMs } = this.deps;
    this.deps.observer?.syncRequested(connection.id, afterSeq);
    let cursor = afterSeq;
    // Page by page while the socket is open: one that closed (or was closed as a slow consumer) mid-way stops the reads.
    while (connection.isOpen) {
      // Not written onto a backlog of broadcasts: a socket that far behind drains first, or is closed.
      if (!(await connection.backlogAtMost(SLOW_CONSUMER_DROP_BYTES, slowConsumerTimeoutMs))) return;
      const grant = syncBudget.take(connection.address);
      let page: MessagePage;
      try {
        page = await this.deps.store.listMessages(conversationId, { afterSeq: cursor, limit: HISTORY_MAX_PAGE_SIZE, maxBytes: grant });
      } catch (error) {
        syncBudget.give(connection.address, grant);
        throw error;
      }
      const data = { conversation_id: conversationId, messages: page.messages, has_more: page.hasMore, last_seq: page.lastSeq };
      // The grant comes back when the page's bytes are out of this process, not when we stop waiting for them.
      const left = new Promise<void>((resolve) =>
        connection.sendTracked({ event: 'sync', data }, () => {
          syncBudget.give(connection.address, grant);
          resolve();
        }),
      );
      if (!(await connection.whenLeft(left, slowConsumerTimeoutMs))) return;
      const last = page.messages.at(-1);
      if (!page.hasMore || !last) break;
      cursor = last.seq;
    }
    for (const snapshot of await this.deps.replies.snapshots(conversationId)) connection.send({ event: 'stream', data: snapshot });
    await this.tellUnanswered(connection);
  }

  /**
   * A client caught up is told when the conversation's newest message is its own question whose
   * reply never started and is not on its way (the database refused it, or the instance stopped
   * first): after a reload, in a new tab, or on another instance, it can still be answered. Only
   * once no reply is queued here or (several instances) holds or waits for the turn: a reply that
   * is merely late is not called unanswered.
   */
  private async tellUnanswered(connection: ClientConnection): Promise<void> {
    const { conversation, principal } = connection;
    if (!connection.canWrite || !principal || this.deps.replies.isBusy(conversation.id)) return;
    // Best effort: the sync is done, and a database that cannot answer now must not turn it into
    // an error (the client would show one that nothing it did caused). The next sync tells.
    try {
      const [newest] = await this.deps.store.recentMessages(conversation.id, 1);
      if (!newest || !writtenBy(newest, principal.identity) || !asksAgent(conversation, newest)) return;
      if (await this.deps.replies.pending(conversation.id)) return;
      connection.send({ event: 'unanswered', data: { message_id: newest.id } });
    } catch (error) {
      connection.log.warn({ err: error }, 'could not tell whether the newest question is unanswered');
    }
  }
}

function writtenBy(message: Message, identity: Identity): boolean {
  return message.author.kind === identity.kind && message.author.id === identity.id;
}

/** A client_message_id another person's message already has: refused, so the sender knows it was not stored. */
function sendIdTaken(connection: ClientConnection, clientMessageId: string): void {
  connection.sendError({ code: 'CONFLICT', message: 'Another message already has this client_message_id, so this one was not stored.', client_message_id: clientMessageId });
}
