import type { ServerFrame } from '@confab/protocol';
import { ClientConnection } from './connection';
import type { RealtimeObserver } from './observer';

/**
 * A ClientConnection that reports each frame it writes. A subclass (rather than a constructor
 * argument) keeps metrics out of the connection's own code and signature.
 */
export class ObservedConnection extends ClientConnection {
  observer: RealtimeObserver | undefined;

  protected override written(frame: ServerFrame): void {
    this.observer?.frameSent(frame, 1);
  }
}
