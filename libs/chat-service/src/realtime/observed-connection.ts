import type { ServerFrame } from '@confab/protocol';
import { ClientConnection } from './connection';
import { deliveryDecision } from './frames';
import type { RealtimeObserver } from './observer';

/**
 * A ClientConnection that reports each frame it writes. A subclass (rather than a constructor
 * argument) keeps metrics out of the connection's own code and signature.
 */
export class ObservedConnection extends ClientConnection {
  observer: RealtimeObserver | undefined;

  override send(frame: ServerFrame): void {
    // Same decision the base class takes next: only frames that are really written count.
    if (this.observer && this.isOpen && deliveryDecision(this.ws.bufferedAmount, frame.event) === 'send') this.observer.frameSent(frame);
    super.send(frame);
  }
}
