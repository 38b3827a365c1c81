import type { Message, ReplyAsker, ServerFrame, StreamData } from '@confab/protocol';
import type { Store } from '../contracts';
import type { Logger } from '../logger';
import { DeltaBatcher, shouldPersist } from './batching';
import { wholeCharacters, type AbortCause } from './reply-outcome';
import type { SharedStreams } from './shared-streams';

export interface StreamedReplyDeps {
  store: Store;
  log: Logger;
  publish(conversationId: string, frame: ServerFrame): void;
  sharedStreams?: SharedStreams;
  /** Minimum gap between two `stream` frames of one reply. */
  streamIntervalMs: number;
  /** How often the text so far is written to the reply's row. */
  persistIntervalMs: number;
  /** Where a reply is cut off (`too-long`, `too-slow`). */
  limits: { maxChars: number; maxMs: number };
}

/**
 * One reply while the model writes it: its text so far, the `stream` frames readers get (batched),
 * the progress saved to its row, and its deadline. Stopping it is `controller.abort(cause)`.
 */
export class StreamedReply {
  readonly controller = new AbortController();
  private generatedText = '';
  /** What clients have been sent in `stream` frames (a late joiner's snapshot uses this). */
  private published = '';
  private readonly batcher: DeltaBatcher;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Saves progress that arrived before it was due, once it is (a model that pauses still gets its text saved). */
  private persistTimer: NodeJS.Timeout | undefined;
  // The first text is saved at once: what readers see from the first tokens on survives a crash.
  private lastPersistAt = Number.NEGATIVE_INFINITY;
  private persistedLength = 0;
  /** Serialises row writes so the final update always lands after interim ones. */
  private persisting: Promise<void> = Promise.resolve();
  /** Ends the reply when it has run for the longest a reply may. */
  private readonly deadline: NodeJS.Timeout;

  constructor(
    readonly message: Message,
    /** Who asked (the author of the message it answers), when a person did. */
    readonly askedBy: ReplyAsker | undefined,
    private readonly deps: StreamedReplyDeps,
  ) {
    this.batcher = new DeltaBatcher(deps.streamIntervalMs);
    this.deadline = setTimeout(() => this.controller.abort('too-slow' satisfies AbortCause), deps.limits.maxMs);
  }

  /** Everything the model has produced. */
  get generated(): string {
    return this.generatedText;
  }

  /** More text from the model; past the longest a reply may be, it is cut (and the reply stopped). */
  append(delta: string): void {
    const room = this.deps.limits.maxChars - this.generatedText.length;
    const text = delta.length > room ? wholeCharacters(delta.slice(0, room)) : delta;
    if (delta.length > room) this.controller.abort('too-long' satisfies AbortCause);
    if (!text) return;
    this.generatedText += text;
    this.batcher.append(text);
    const now = Date.now();
    const wait = this.batcher.msUntilDue(now);
    if (wait === 0) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), wait);
    const { persistIntervalMs } = this.deps;
    if (shouldPersist(now, this.lastPersistAt, this.persistedLength, this.generatedText.length, persistIntervalMs)) {
      this.persistProgress(now);
    } else {
      this.persistTimer ??= setTimeout(() => this.persistProgress(Date.now()), this.lastPersistAt + persistIntervalMs - now);
    }
  }

  /**
   * No more text comes: the timers stop and the progress saves are done. `complete`: readers that
   * render from deltas get the tail first, before the `done` that follows.
   */
  async settle(complete: boolean): Promise<void> {
    if (complete) this.flush();
    clearTimeout(this.flushTimer);
    clearTimeout(this.persistTimer);
    clearTimeout(this.deadline);
    this.persistTimer = undefined;
    await this.persisting;
  }

  /** A `stream` frame's data with the whole text published so far, for a client that (re)joins. */
  snapshot(): StreamData {
    return this.streamData('');
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const delta = this.batcher.take(Date.now());
    if (delta === null) return;
    this.published += delta;
    this.deps.publish(this.message.conversation_id, { event: 'stream', data: this.streamData(delta) });
    this.deps.sharedStreams?.update(this.snapshot());
  }

  /** Writes the content so far, so a crash loses at most ~persistIntervalMs of text. */
  private persistProgress(now: number): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    if (this.controller.signal.aborted || this.generatedText.length === this.persistedLength) return;
    const content = this.generatedText;
    this.lastPersistAt = now;
    this.persistedLength = content.length;
    this.persisting = this.persisting
      .then(async () => {
        await this.deps.store.updateMessage(this.message.id, { content });
      })
      .catch((error: unknown) => this.deps.log.warn({ err: error, messageId: this.message.id }, 'could not save reply progress'));
  }

  /**
   * The frame for the text published so far, ending with `delta` (empty for a snapshot). It
   * carries the whole text: each connection's first frame for a reply needs it, and the hub
   * leaves it out for connections that already have it (`ClientConnection.takesDeltaOnly`).
   */
  private streamData(delta: string): StreamData {
    return {
      message_id: this.message.id,
      conversation_id: this.message.conversation_id,
      seq: this.message.seq,
      delta,
      offset: this.published.length - delta.length,
      content: this.published,
      ...(this.askedBy ? { asked_by: this.askedBy } : {}),
    };
  }
}
