import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { CloseCode, type ErrorData, type Identity, type ServerFrame } from '@confab/protocol';
import type { ConversationRecord, Principal } from '../contracts';
import type { Logger } from '../logger';
import { deliveryDecision } from './frames';
import type { FrameRateLimiter } from './limits';

/** The key of an identity (rate limits, typing): "user:<id>" / "visitor:<id>". */
export function identityKey(identity: Identity): string {
  return `${identity.kind}:${identity.id}`;
}

/** One open, admitted socket on one conversation. */
export class ClientConnection {
  /** Frames are handled one after another per connection, so acks come back in the order messages were sent. */
  queue: Promise<void> = Promise.resolve();
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
    // Encoded here rather than by ws (which would do the same) so the decision knows the frame's size.
    const payload = Buffer.from(JSON.stringify(frame));
    if (!this.mayWrite(frame, payload.length)) return;
    this.ws.send(payload, { binary: false });
    this.noteReplyText(frame);
    this.written?.(frame);
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
