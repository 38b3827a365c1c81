import type { ClientConnection } from './connection';

/**
 * Sockets whose client is gone without closing (a dead network path, a suspended laptop) would
 * hold their connection slots for good. Every `intervalMs` each socket gets a WebSocket ping
 * (browsers answer it themselves); one that sent nothing since the last round, neither a frame
 * nor a pong, is dropped. The service marks `heardFrom` on every frame and pong.
 */
export class LivenessWatch {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly connections: () => ClientConnection[],
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.pingOrDrop(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private pingOrDrop(): void {
    for (const connection of this.connections()) {
      if (!connection.isOpen) continue;
      if (!connection.heardFrom) {
        connection.log.info('dropping a WebSocket that answered no ping');
        connection.ws.terminate();
        continue;
      }
      connection.heardFrom = false;
      connection.ws.ping();
    }
  }
}
