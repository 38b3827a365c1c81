import type { ServerFrame } from '@confab/protocol';
import type { IncomingFrame } from './frames';

/**
 * What the realtime layer reports as it works, for metrics. The layer depends only on this
 * interface (the Prometheus implementation lives in `src/metrics/`); every hook is cheap and sync.
 */
export interface RealtimeObserver {
  /** A socket was admitted to a conversation. */
  connectionOpened(): void;
  /** An admitted socket closed. */
  connectionClosed(connectionId: string): void;
  /** A frame arrived from a client and was decoded (frames refused by the per-socket rate limit are not). */
  frameReceived(incoming: IncomingFrame): void;
  /**
   * A frame was written to `sockets` client sockets (a broadcast reports once for the whole room;
   * frames shed under backpressure are not counted).
   */
  frameSent(frame: ServerFrame, sockets: number): void;
  /** A client asked for the messages after `afterSeq`. */
  syncRequested(connectionId: string, afterSeq: number): void;
  /** How many agent replies this instance is streaming now. */
  repliesStreaming(count: number): void;
}
