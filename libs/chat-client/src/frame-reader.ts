import { HEARTBEAT_PONG, type ServerFrame } from '@confab/protocol';
import { loadedWire, wireWhenLoaded, type WireModule } from './load-wire';

/**
 * Turns the socket's `message` events into validated frames, in arrival order. The validation
 * module loads on demand (`load-wire.ts`), with the ticket, so it is nearly always there; a frame
 * that comes before it waits in a queue and is read once it is, unless its socket has been
 * replaced meanwhile. A frame that does not validate is dropped: one bad frame must not take the
 * conversation down. The heartbeat's text `pong` is not a frame.
 */
export function createFrameReader(onFrame: (frame: ServerFrame) => void, isStale: (socket: EventTarget | null) => boolean) {
  let unread: Array<{ data: string; socket: EventTarget | null }> = [];

  const read = (raw: string, wire: WireModule): void => {
    const parsed = wire.parseServerFrame(raw);
    if (parsed.ok) onFrame(parsed.frame);
  };

  const readUnread = (wire: WireModule): void => {
    const frames = unread;
    unread = [];
    for (const frame of frames) if (!isStale(frame.socket)) read(frame.data, wire);
  };

  return (event: MessageEvent): void => {
    if (typeof event.data !== 'string' || event.data === HEARTBEAT_PONG || isStale(event.target)) return;
    const wire = loadedWire();
    if (wire && unread.length === 0) {
      read(event.data, wire);
      return;
    }
    unread.push({ data: event.data, socket: event.target });
    if (unread.length === 1) void wireWhenLoaded().then(readUnread);
  };
}
