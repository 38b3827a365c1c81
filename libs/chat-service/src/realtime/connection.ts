import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { CloseCode, type ErrorData, type Identity, type ServerFrame } from '@confab/protocol';
import type { ConversationRecord, Principal } from '../contracts';
import type { Logger } from '../logger';
import { deliveryDecision } from './frames';
import type { FrameRateLimiter } from './limits';
import { SendOrder } from './send-order';

/** The key of an identity (rate limits, typing): "user:<id>" / "visitor:<id>". */
export function identityKey(identity: Identity): string {
  return `${identity.kind}:${identity.id}`;
}

/** One open, admitted socket on one conversation. */
export class ClientConnection {
  /** Frames are handled one after another per connection, so acks come back in the order messages were sent. */
  queue: Promise<void> = Promise.resolve();
  /** Messages refused for a while, which the ones sent after them wait for (see SendOrder). */
  readonly sendOrder = new SendOrder();
  /**
   * The `after_seq` of a `sync` queued but not started yet, else null. Later syncs merge into it
   * (the lower `after_seq` wins): one catch-up answers them all, so a client repeating `sync`
   * costs a history read per queued run, not per frame.
   */
  queuedSyncAfter: number | null = null;
  expiryTimer: NodeJS.Timeout | undefined;
  /** Whether anything (a frame, a pong) came from the client since the last liveness ping. */
  heardFrom = true;
  /** Whether typing frames have been dropped because the socket is backed up (logged once). */
  private shedding = false;
  /** The client applies delta-only `stream` frames (it asked with `DELTA_STREAMS_QUERY`). */
  deltaStreams = false;
  /** Replies whose whole text this socket has been sent. */
  private readonly repliesWithText = new Set<string>();

  constructor(
    readonly id: string,
    /** The client's address (per-address limits: connections, sync pages waiting here). */
    readonly address: string,
    readonly ws: WebSocket,
    /** The TCP socket under `ws` (from the HTTP upgrade): broadcasts write prepared frames to it. */
    private readonly transport: Duplex,
    readonly conversation: ConversationRecord,
    readonly principal: Principal | null,
    readonly canWrite: boolean,
    readonly log: Logger,
    readonly frameRate: FrameRateLimiter,
  ) {}

  get identity(): Identity | null {
    return this.principal?.identity ?? null;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends unless the socket is backed up: typing frames are dropped first, then the socket is closed. */
  send(frame: ServerFrame): void {
    this.write(frame);
  }

  /**
   * Sends a frame meant for this socket alone (a sync page) and calls `left`, exactly once, when its
   * bytes have left this process (handed to the kernel) or never will (not written, socket ended).
   * Only this socket holds such a frame's bytes (broadcasts share one buffer between all sockets),
   * so the caller writes the next one only after `left`: see `whenLeft`.
   */
  sendTracked(frame: ServerFrame, left: () => void): void {
    this.write(frame, left);
  }

  private write(frame: ServerFrame, left?: () => void): void {
    // Encoded here rather than by ws (which would do the same) so the decision knows the frame's size.
    const payload = Buffer.from(JSON.stringify(frame));
    if (!this.mayWrite(frame, payload.length)) {
      left?.();
      return;
    }
    // ws calls back once the bytes are written to the kernel, or with an error if the socket ends first.
    this.ws.send(payload, { binary: false }, left && (() => left()));
    this.noteReplyText(frame);
    this.written?.(frame);
  }

  /**
   * Waits for `left` (a tracked frame's bytes leaving the process): true once they have, false if
   * the socket closed first. A socket that has not taken them within `timeoutMs` is not reading:
   * it is closed as a slow consumer, like one whose buffer passed the limit.
   */
  async whenLeft(left: Promise<void>, timeoutMs: number): Promise<boolean> {
    const taken = await this.waitForClient(timeoutMs, 'a sync page was not taken', (done) => {
      void left.then(done);
      return () => undefined;
    });
    return taken && this.isOpen;
  }

  /**
   * Resolves true once at most `maxBytes` wait to be sent (at once when that is so already), false
   * if the socket closed first or stayed over it for `timeoutMs` (then it is closed as a slow consumer).
   * `maxBytes` must be at least the socket's high-water mark: above it a write has returned false,
   * so 'drain' is sure to come when the buffer empties.
   */
  async backlogAtMost(maxBytes: number, timeoutMs: number): Promise<boolean> {
    if (!this.isOpen) return false;
    if (this.ws.bufferedAmount <= maxBytes) return true;
    return this.waitForClient(timeoutMs, 'its backlog did not drain', (done) => {
      this.transport.once('drain', done);
      return () => this.transport.off('drain', done);
    });
  }

  /**
   * Waits until `start` calls `done` (true), the socket closes (false) or `timeoutMs` pass (false,
   * closed as a slow consumer). `start` returns how to undo what it set up.
   */
  private waitForClient(timeoutMs: number, what: string, start: (done: () => void) => () => void): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const undo: Array<() => void> = [];
      const finish = (outcome: boolean) => {
        if (settled) return;
        settled = true;
        for (const step of undo) step();
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        this.log.warn({ bufferedAmount: this.ws.bufferedAmount, waitedMs: timeoutMs, what }, 'closing a slow consumer');
        this.close(CloseCode.TRY_AGAIN_LATER, 'Too far behind: reconnect and sync');
        // The close frame queues behind what the client is not reading: a client that reads again
        // gets it, one that does not lets go of this socket's memory and slots after the same wait
        // again (ws alone would hold them 30 s more).
        setTimeout(() => this.ws.terminate(), timeoutMs).unref();
        finish(false);
      }, timeoutMs);
      const onClose = () => finish(false);
      this.ws.once('close', onClose);
      undo.push(() => clearTimeout(timer), () => this.ws.off('close', onClose));
      const stop = start(() => finish(true));
      // `done` may have come at once, before `stop` was known.
      if (settled) stop();
      else undo.push(stop);
    });
  }

  /** Whether this reply's next `stream` frame may leave its text out: the client takes deltas and has the text. */
  takesDeltaOnly(messageId: string): boolean {
    return this.deltaStreams && this.repliesWithText.has(messageId);
  }

  /** Frames may have been lost on their way here: the next `stream` frame of each reply carries its text. */
  forgetReplyTexts(): void {
    this.repliesWithText.clear();
  }

  private noteReplyText(frame: ServerFrame): void {
    if (frame.event === 'stream' && frame.data.content !== undefined) this.repliesWithText.add(frame.data.message_id);
    else if (frame.event === 'done') this.repliesWithText.delete(frame.data.message_id);
  }

  /**
   * Writes a broadcast: `framed` is the whole WebSocket frame (`textFrame`) of `frame`, or of its
   * delta-only form, built once for the room, written as is to this socket's TCP stream. Ordered
   * with `send`: without permessage-deflate ws writes synchronously too. Returns whether it was
   * written (the hub counts them for metrics).
   */
  writeFramed(frame: ServerFrame, framed: Buffer): boolean {
    if (!this.mayWrite(frame, framed.length)) return false;
    this.transport.write(framed);
    this.noteReplyText(frame);
    return true;
  }

  /** Open and keeping up; a backed-up socket sheds typing frames first, then is closed. */
  private mayWrite(frame: ServerFrame, bytes: number): boolean {
    if (!this.isOpen) return false;
    const decision = deliveryDecision(this.ws.bufferedAmount, bytes, frame.event);
    if (decision === 'drop') {
      if (!this.shedding) this.log.warn({ bufferedAmount: this.ws.bufferedAmount }, 'slow consumer: shedding typing frames');
      this.shedding = true;
      return false;
    }
    if (decision === 'close') {
      this.log.warn({ bufferedAmount: this.ws.bufferedAmount }, 'closing a slow consumer');
      this.close(CloseCode.TRY_AGAIN_LATER, 'Too far behind: reconnect and sync');
      return false;
    }
    return true;
  }

  /** Called after each frame sent to this socket alone (broadcasts are counted by the hub); a hook for metrics. */
  protected written?(frame: ServerFrame): void;

  sendError(error: ErrorData): void {
    this.send({ event: 'error', data: error });
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.CLOSING || this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(code, reason);
  }
}
