'use client';

import { memo } from 'react';
import type { ConnectionState } from '@confab/chat-client';
import { useNow, useOnline } from './hooks';
import { connectionWords, secondsUntil } from './words';
import styles from './conversation.module.css';

export interface ConnectionStatusProps {
  connection: ConnectionState;
  onReconnect: () => void;
}

/**
 * The socket's state in words, with a manual "Reconnect" once automatic retries gave up, and
 * "Retry now" while a backoff has seconds to run (the server may be back before it ends).
 * Memoized: the conversation re-renders for every streamed token, the connection rarely changes.
 */
export const ConnectionStatus = memo(function ConnectionStatus({ connection, onReconnect }: ConnectionStatusProps) {
  const online = useOnline();
  const now = useNow(connection.status === 'reconnecting' && connection.nextRetryAt !== null);
  const words = connectionWords({
    status: connection.status,
    online,
    secondsToRetry: secondsUntil(connection.nextRetryAt, now),
    reason: connection.reason,
    attempt: connection.attempt,
  });
  // Offline says so in words before the socket notices: the dot must not stay green beside them.
  const tone = connection.status === 'failed' || connection.status === 'closed' ? styles.bad : connection.status === 'open' && online ? styles.ok : styles.warn;

  return (
    <div className={`${styles.connection} ${tone}`}>
      <span className={styles.connectionDot} aria-hidden="true" />
      <span data-testid="connection-status" data-state={connection.status} data-online={online ? 'true' : 'false'}>
        {words.text}
      </span>
      {words.canReconnect && (
        <button type="button" className={styles.linkButton} onClick={onReconnect}>
          {words.reconnectLabel ?? 'Reconnect'}
        </button>
      )}
    </div>
  );
});
