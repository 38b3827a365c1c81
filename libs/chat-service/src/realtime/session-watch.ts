import { CloseCode } from '@confab/protocol';
import type { Auth } from '../contracts';
import type { Logger } from '../logger';
import type { ClientConnection } from './connection';

/** setTimeout's largest delay; a longer session is re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes sockets whose session is over with SESSION_EXPIRED (4408): at the session's expiry time
 * (a timer per socket), at once when a sign-out is announced (`closeSession`, from SessionEnds),
 * and when it was revoked some other way since the socket opened (a periodic check, one lookup
 * per session, never cached).
 */
export class SessionWatch {
  private readonly interval: NodeJS.Timeout;
  /** A check still going (thousands of sessions, a slow database) is not joined by a second one. */
  private checking = false;

  constructor(
    private readonly auth: Auth,
    private readonly log: Logger,
    private readonly connections: () => ClientConnection[],
    checkIntervalMs: number,
  ) {
    this.interval = setInterval(() => void this.checkUnlessChecking(), checkIntervalMs);
    this.interval.unref();
  }

  watch(connection: ClientConnection): void {
    const principal = connection.principal;
    if (!principal) return;
    const left = principal.sessionExpiresAt - Date.now();
    if (left <= 0) return close(connection);
    connection.expiryTimer = setTimeout(() => this.watch(connection), Math.min(left, MAX_TIMER_MS));
  }

  /** The session ended (signed out): its sockets on this instance close now. */
  closeSession(sessionId: string): void {
    for (const connection of this.connections()) {
      if (connection.principal?.sessionId === sessionId) close(connection);
    }
  }

  forget(connection: ClientConnection): void {
    clearTimeout(connection.expiryTimer);
  }

  stop(): void {
    clearInterval(this.interval);
  }

  private async checkUnlessChecking(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.closeEndedSessions();
    } finally {
      this.checking = false;
    }
  }

  private async closeEndedSessions(): Promise<void> {
    const bySession = new Map<string, ClientConnection[]>();
    for (const connection of this.connections()) {
      const sessionId = connection.principal?.sessionId;
      if (!sessionId) continue;
      bySession.set(sessionId, [...(bySession.get(sessionId) ?? []), connection]);
    }
    for (const [sessionId, connections] of bySession) {
      try {
        if (await this.auth.isSessionActive(sessionId)) continue;
        for (const connection of connections) close(connection);
      } catch (error) {
        this.log.warn({ err: error }, 'could not check a session; keeping its sockets open');
      }
    }
  }
}

function close(connection: ClientConnection): void {
  connection.sendError({ code: 'SESSION_EXPIRED', message: 'Your session has ended. Sign in again.' });
  connection.close(CloseCode.SESSION_EXPIRED, 'Session expired');
}
