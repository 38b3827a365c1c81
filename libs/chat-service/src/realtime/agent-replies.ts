import { randomUUID } from 'node:crypto';
import type { Message, ReplyAsker, ServerFrame, StreamData } from '@confab/protocol';
import type { ConversationRecord, Store } from '../contracts';
import type { Logger } from '../logger';
import { AgentProviderError, type AgentProvider } from '../agents';
import type { SharedStreams } from './shared-streams';
import { sameAsker, stopElsewhere, type StopRelay, type StopResult } from './stop-relay';
import { replyContext } from './reply-context';
import { doneFrame, outcomeOfAbort, type AbortCause, type Outcome } from './reply-outcome';
import { StreamedReply, type StreamedReplyDeps } from './streamed-reply';
import { TurnKeeper, type ReplyTurns } from './reply-turns';
import { whileRefused, type DbRetry } from './db-retry';

export interface AgentRepliesDeps {
  store: Store;
  provider: AgentProvider;
  logger: Logger;
  publish(conversationId: string, frame: ServerFrame): void;
  /** Minimum gap between two `stream` frames of one reply. */
  streamIntervalMs?: number;
  /** How often the cumulative content is written to the reply's row while it streams. */
  persistIntervalMs?: number;
  /** How many recent messages the agent sees. */
  historyLimit?: number;
  /** Several instances: carries `stop` requests to the instance running the reply. */
  stopRelay?: StopRelay;
  /** Several instances: lets a client joining on another instance see replies streaming here. */
  sharedStreams?: SharedStreams;
  /** Several instances: one reply at a time per conversation across all of them (each queues its own). */
  replyTurns?: ReplyTurns;
  /**
   * How long a reply's row, or its final state, is tried again while the database refuses it (a
   * failover or restart takes seconds): after 0.5, 1, 2, 4… s, within this budget. Default 30 s.
   */
  dbRetryMs?: number;
  /**
   * How often the rows of replies streaming here are touched, so no stale-stream sweep (which
   * takes a row untouched for 4 times as long as abandoned) interrupts them. Default 15 s.
   */
  keepAliveMs?: number;
  /**
   * Where a reply is cut off (status `complete`, finish_reason `length` or `time_limit`): a model
   * that never stops (a local one looping, a proxy sending keep-alives forever) would otherwise
   * stream, be paid for and hold its conversation's queue for good. Default 100,000 characters, 10 minutes.
   */
  limits?: { maxChars: number; maxMs: number };
  /** Called with the number of replies streaming on this instance whenever it changes (metrics). */
  onStreamingChange?(count: number): void;
  /**
   * Resolves when the frames published so far have reached this instance's sockets (a Redis bus
   * delivers them asynchronously). shutdown() waits for it, so the final `done` frames are sent
   * before the sockets close.
   */
  flushPublished?(): Promise<void>;
}

const DEFAULT_LIMITS = { maxChars: 100_000, maxMs: 10 * 60_000 };
const DEFAULT_DB_RETRY_MS = 30_000;

/** A reply asked for again (`retry_reply`): the reply it replaces, and what to do if it never starts. */
export interface Replacing {
  /** The failed reply answered again, left out of the model's context; none when a question whose reply never started is answered. */
  messageId?: string;
  /** No reply row was made (shutdown, the database down): the retry may be asked for again. */
  onNotStarted(): void;
}

/** What stopping found on this instance alone. */
type LocalStopResult = 'stopped' | 'not-here' | 'not-yours';

const DEFAULT_KEEP_ALIVE_MS = 15_000;

/**
 * Runs agent replies: one at a time per conversation (later requests wait their turn),
 * streamed to the conversation and persisted as they grow, always ending in a `done`
 * with a final status (never left `streaming`).
 */
export class AgentReplies {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly inFlight = new Map<string, StreamedReply>();
  /** Conversations deleted while turns were queued here: those turns are skipped. Cleared when the queue drains. */
  private readonly ended = new Set<string>();
  private accepting = true;
  /** Aborted by shutdown: replies waiting for their turn or for the database give up. */
  private readonly stopping = new AbortController();
  /** Several instances: this instance's side of the conversations' turns. */
  private readonly turns: TurnKeeper | null;
  private readonly dbRetry: DbRetry;
  private readonly historyLimit: number;
  /** What each reply streaming here needs. */
  private readonly replyDeps: StreamedReplyDeps;
  private readonly log: Logger;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(private readonly deps: AgentRepliesDeps) {
    this.historyLimit = deps.historyLimit ?? 50;
    this.log = deps.logger.child({ component: 'agent-replies', agent: deps.provider.name });
    this.replyDeps = {
      store: deps.store,
      log: this.log,
      publish: deps.publish,
      sharedStreams: deps.sharedStreams,
      streamIntervalMs: deps.streamIntervalMs ?? 30,
      persistIntervalMs: deps.persistIntervalMs ?? 500,
      limits: deps.limits ?? DEFAULT_LIMITS,
    };
    this.turns = deps.replyTurns ? new TurnKeeper(deps.replyTurns) : null;
    this.dbRetry = { budgetMs: deps.dbRetryMs ?? DEFAULT_DB_RETRY_MS, signal: this.stopping.signal, log: this.log };
    deps.stopRelay?.listen((conversationId, messageId, requester) => this.stopHere(conversationId, messageId, requester) === 'stopped');
    this.keepAlive = setInterval(() => this.touchStreaming(), deps.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  /** A model may go quiet for a while (thinking): its reply is alive as long as this process is. */
  private touchStreaming(): void {
    this.turns?.renewAll();
    if (this.inFlight.size === 0) return;
    this.deps.store.keepStreamsAlive([...this.inFlight.keys()]).catch((error: unknown) => this.log.warn({ err: error }, 'could not mark replies streaming here as alive'));
  }

  /** Queues a reply to `userMessage`; returns at once. `replacing`: the reply this one answers again (left out of the model's context). */
  start(conversation: ConversationRecord, userMessage: Message, replacing?: Replacing): void {
    if (!this.accepting) {
      this.notStarted(conversation.id, userMessage, replacing);
      return;
    }
    const previous = this.queues.get(conversation.id) ?? Promise.resolve();
    const turn = previous
      .then(async () => {
        const started = this.accepting && !this.ended.has(conversation.id) && (await this.runInTurn(conversation, userMessage, replacing?.messageId));
        if (!started) this.notStarted(conversation.id, userMessage, replacing);
      })
      .catch((error: unknown) => this.log.error({ err: error, conversationId: conversation.id }, 'agent reply failed'));
    this.queues.set(conversation.id, turn);
    void turn.then(() => {
      if (this.queues.get(conversation.id) !== turn) return;
      this.queues.delete(conversation.id);
      this.ended.delete(conversation.id);
    });
  }

  /** Whether a reply of the conversation is streaming or queued here (its turn will come without a retry). */
  isBusy(conversationId: string): boolean {
    return this.queues.has(conversationId);
  }

  /** Whether a reply of the conversation is on its way anywhere: here, or (several instances) holding or waiting for its turn. */
  async pending(conversationId: string): Promise<boolean> {
    return this.isBusy(conversationId) || ((await this.turns?.pending(conversationId)) ?? false);
  }

  /**
   * No reply row was made for `question` (shutdown, the database refusing it for the whole
   * budget): without a word its asker would wait for good. Everyone is told it is `unanswered`, and
   * its asker may have it answered (`retry_reply`); a client that was away is told after its sync.
   */
  private notStarted(conversationId: string, question: Message, replacing: Replacing | undefined): void {
    replacing?.onNotStarted();
    // Deleted: nobody left to tell.
    if (this.ended.has(conversationId)) return;
    this.log.warn({ conversationId, answering: question.id }, 'agent reply did not start; its question is unanswered');
    this.deps.publish(conversationId, { event: 'unanswered', data: { message_id: question.id } });
  }

  /**
   * The conversation was deleted: its reply streaming here stops (no more tokens paid for, nothing
   * left to save it to) and its queued turns are skipped. With several instances the stop is relayed,
   * as a person's stop is.
   */
  endConversation(conversationId: string): void {
    if (this.queues.has(conversationId)) this.ended.add(conversationId);
    this.turns?.endWait(conversationId);
    let stoppedHere = false;
    for (const reply of this.inFlight.values()) {
      if (reply.message.conversation_id !== conversationId) continue;
      reply.controller.abort('stopped' satisfies AbortCause);
      stoppedHere = true;
    }
    if (!stoppedHere) this.deps.stopRelay?.request(conversationId, undefined);
  }

  /**
   * Stops the given reply, or the newest one of the conversation. `requester`: in a shared
   * conversation, only the person who asked for a reply may stop it (undefined: no such rule, as in
   * a thread, which only its owner can write to). When no reply was streaming here, the request is
   * relayed to the other instances (if any) while a row says one streams, else it is `nothing`.
   */
  async stop(conversationId: string, messageId?: string, requester?: ReplyAsker): Promise<StopResult> {
    const here = this.stopHere(conversationId, messageId, requester);
    if (here !== 'not-here') return here;
    // One instance: a reply it does not run is not streaming (a row a crashed process left
    // `streaming` is not running either; the stale-stream sweep ends it).
    if (!this.deps.stopRelay) return 'nothing';
    return stopElsewhere(this.deps.store, this.deps.stopRelay, conversationId, messageId, requester);
  }

  private stopHere(conversationId: string, messageId: string | undefined, requester: ReplyAsker | undefined): LocalStopResult {
    const reply = messageId ? this.inFlight.get(messageId) : this.newestIn(conversationId, requester);
    if (!reply || reply.message.conversation_id !== conversationId) return 'not-here';
    if (requester && !sameAsker(reply.askedBy, requester)) return 'not-yours';
    // Stopped already (a second press) or being interrupted: its `done` is on its way, which answers this stop too.
    if (!reply.controller.signal.aborted) reply.controller.abort('stopped' satisfies AbortCause);
    return 'stopped';
  }

  /**
   * One `stream` frame per reply still streaming, with its whole text so far, for a client that
   * (re)joins: this instance's replies, plus those other instances share (when several run).
   */
  async snapshots(conversationId: string): Promise<StreamData[]> {
    const local = [...this.inFlight.values()]
      .filter((reply) => reply.message.conversation_id === conversationId)
      .map((reply) => reply.snapshot());
    const shared = this.deps.sharedStreams ? await this.deps.sharedStreams.list(conversationId) : [];
    // Ours are exact (the shared copy may lag a write behind).
    const remote = shared.filter((data) => !this.inFlight.has(data.message_id));
    return [...local, ...remote].sort((a, b) => a.seq - b.seq);
  }

  /** Stops taking replies, interrupts those in flight (they end `interrupted`), waits until all are settled. */
  async shutdown(): Promise<void> {
    this.accepting = false;
    this.stopping.abort();
    clearInterval(this.keepAlive);
    for (const reply of this.inFlight.values()) reply.controller.abort('interrupted' satisfies AbortCause);
    await Promise.all(this.queues.values());
    await this.deps.flushPublished?.();
  }

  /** The newest reply streaming here in the conversation (asked for by `requester`, when given). */
  private newestIn(conversationId: string, requester: ReplyAsker | undefined): StreamedReply | undefined {
    let newest: StreamedReply | undefined;
    for (const reply of this.inFlight.values()) {
      if (reply.message.conversation_id !== conversationId) continue;
      if (requester && !sameAsker(reply.askedBy, requester)) continue;
      if (!newest || reply.message.seq > newest.message.seq) newest = reply;
    }
    return newest;
  }

  /**
   * Runs the reply once this instance holds the conversation's turn (several instances), so the
   * replies of one conversation never overlap and each reads the ones before it. False when no
   * reply was started (shutdown, the conversation deleted, the database down).
   */
  private runInTurn(conversation: ConversationRecord, userMessage: Message, replacing: string | undefined): Promise<boolean> {
    const run = async (): Promise<boolean> =>
      // Shutdown began, or the conversation was deleted, as the turn came.
      this.accepting && !this.ended.has(conversation.id) && (await this.run(conversation, userMessage, replacing));
    return this.turns ? this.turns.inTurn(conversation.id, userMessage.seq, this.stopping.signal, run) : run();
  }

  /**
   * The reply's context and its row. Each attempt reads the context anew. Null when the database
   * still refused at the last attempt, or shutdown began meanwhile.
   */
  private setUp(conversation: ConversationRecord, userMessage: Message, replacing: string | undefined): Promise<{ history: Message[]; message: Message } | null> {
    const { store } = this.deps;
    // The same id on every attempt: an insert that committed but whose answer was lost (the
    // connection dropped) is found again, not made twice.
    const rowKey = `reply:${randomUUID()}`;
    return whileRefused(this.dbRetry, 'could not start an agent reply', { conversationId: conversation.id, answering: userMessage.id }, async () => {
      // The messages up to the one answered, however many came after it while this turn waited in the queue.
      const history = replyContext(await store.recentMessages(conversation.id, this.historyLimit, userMessage.seq), userMessage, replacing);
      const { message } = await store.appendMessage({
        conversationId: conversation.id,
        clientMessageId: rowKey,
        author: { kind: 'agent', id: null, display_name: conversation.persona.name },
        content: '',
        status: 'streaming',
        source: 'text',
        model: this.deps.provider.modelFor(conversation.persona),
        replyTo: userMessage.id,
      });
      return { history, message };
    });
  }

  private async run(conversation: ConversationRecord, userMessage: Message, replacing: string | undefined): Promise<boolean> {
    const { publish } = this.deps;
    const setUp = await this.setUp(conversation, userMessage, replacing);
    if (!setUp) return false;
    const { history, message } = setUp;
    const model = message.model;
    const { author } = userMessage;
    const asker = (author.kind === 'user' || author.kind === 'visitor') && author.id !== null ? { kind: author.kind, id: author.id } : undefined;
    const reply = new StreamedReply(message, asker, this.replyDeps);
    this.inFlight.set(message.id, reply);
    this.deps.onStreamingChange?.(this.inFlight.size);
    // Shutdown began while this turn was being set up (after it aborted the replies in flight).
    if (!this.accepting) reply.controller.abort('interrupted' satisfies AbortCause);
    publish(conversation.id, { event: 'message', data: { message: reply.askedBy ? { ...message, asked_by: reply.askedBy } : message } });
    const startedAt = Date.now();

    let outcome: Outcome;
    try {
      outcome = await this.consume(reply, conversation, history);
    } catch (error) {
      // Providers may throw an AbortError when stopped: that is a stop, not a failure.
      outcome = reply.controller.signal.aborted ? outcomeOfAbort(reply.controller.signal.reason, model) : this.outcomeOfFailure(reply, error, model);
    }
    await this.finish(reply, outcome);
    this.log.info(
      {
        conversationId: conversation.id,
        messageId: message.id,
        status: outcome.status,
        finishReason: outcome.finishReason,
        usage: outcome.usage,
        chars: reply.generated.length,
        ms: Date.now() - startedAt,
      },
      'agent reply finished',
    );
    return true;
  }

  private async consume(reply: StreamedReply, conversation: ConversationRecord, history: Message[]): Promise<Outcome> {
    const { signal } = reply.controller;
    const chunks = this.deps.provider.stream({ persona: conversation.persona, history, shared: conversation.kind === 'post', signal });
    for await (const chunk of chunks) {
      if (signal.aborted) break;
      if (chunk.type === 'delta') {
        reply.append(chunk.text);
        continue;
      }
      return { status: 'complete', finishReason: chunk.finishReason, usage: chunk.usage, model: chunk.model };
    }
    if (signal.aborted) return outcomeOfAbort(reply.controller.signal.reason, reply.message.model);
    return { status: 'error', finishReason: 'the agent stopped without finishing its reply', usage: null, model: reply.message.model };
  }


  private outcomeOfFailure(reply: StreamedReply, error: unknown, model: string | null): Outcome {
    if (error instanceof AgentProviderError) {
      this.log.warn({ messageId: reply.message.id, reason: error.reason, detail: error.detail }, 'agent provider failed');
      return { status: 'error', finishReason: error.reason, usage: null, model };
    }
    this.log.error({ err: error, messageId: reply.message.id }, 'agent reply crashed');
    return { status: 'error', finishReason: 'internal error while generating the reply', usage: null, model };
  }

  private async finish(reply: StreamedReply, outcome: Outcome): Promise<void> {
    const { message } = reply;
    await reply.settle(outcome.status === 'complete');
    if (this.ended.has(message.conversation_id)) {
      // Deleted with its conversation: nothing to save, nobody to tell.
      this.inFlight.delete(message.id);
      this.deps.onStreamingChange?.(this.inFlight.size);
      this.deps.sharedStreams?.end(message.conversation_id, message.id);
      return;
    }
    // Still in flight meanwhile, so its row is kept alive and no sweep takes it.
    const final = { content: reply.generated, status: outcome.status, finishReason: outcome.finishReason, usage: outcome.usage, model: outcome.model };
    const saved = await whileRefused(this.dbRetry, 'could not save the finished reply', { messageId: message.id }, () => this.deps.store.updateMessage(message.id, final));
    this.inFlight.delete(message.id);
    this.deps.onStreamingChange?.(this.inFlight.size);
    // Before `done` is published: a joiner reading the shared copy after `done` must not see it streaming.
    this.deps.sharedStreams?.end(message.conversation_id, message.id);
    // Not saved: the row stays `streaming`, no longer touched, and the stale-stream sweep ends it
    // `interrupted` for every reader. A `done` saying otherwise now would be taken back then.
    if (saved === null) return;
    this.deps.publish(
      message.conversation_id,
      doneFrame(message, { status: outcome.status, content: reply.generated, finish_reason: outcome.finishReason, usage: outcome.usage, model: outcome.model }),
    );
  }
}
