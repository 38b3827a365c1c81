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

/** Options for every send: text frames (the default for a Buffer would be binary). Shared, never mutated. */
const TEXT_FRAME = { binary: false } as const;

/** One open, admitted socket on one conversation. */
export class ClientConnection {
  /** Frames are handled one after another per connection, so acks come back in the order messages were sent. */
  queue: Promise<void> = Promise.resolve();
  expiryTimer: NodeJS.Timeout | undefined;
  /** Whether typing frames have been dropped because the socket is backed up (logged once). */
  private shedding = false;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
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
    if (this.isOpen) this.write(frame, JSON.stringify(frame));
  }

  /**
   * Sends `frame` already serialized as `payload` (UTF-8 JSON text). Broadcasts serialize a frame once
   * and hand every socket the same Buffer: ws frames it without copying (server frames are not masked).
   */
  write(frame: ServerFrame, payload: string | Buffer): void {
    if (!this.isOpen) return;
    const decision = deliveryDecision(this.ws.bufferedAmount, frame.event);
    if (decision === 'drop') {
      if (!this.shedding) this.log.warn({ bufferedAmount: this.ws.bufferedAmount }, 'slow consumer: shedding typing frames');
      this.shedding = true;
      return;
    }
    if (decision === 'close') {
      this.log.warn({ bufferedAmount: this.ws.bufferedAmount }, 'closing a slow consumer');
      this.close(CloseCode.TRY_AGAIN_LATER, 'Too far behind: reconnect and sync');
      return;
    }
    // A Buffer would go out as a binary frame unless told otherwise.
    this.ws.send(payload, TEXT_FRAME);
    this.written?.(frame);
  }

  /** Called after each frame really written (not shed, not refused); a hook for metrics (ObservedConnection). */
  protected written?(frame: ServerFrame): void;

  sendError(error: ErrorData): void {
    this.send({ event: 'error', data: error });
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.CLOSING || this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(code, reason);
  }
}
