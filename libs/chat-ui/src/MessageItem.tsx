'use client';

import { memo } from 'react';
import type { ChatMessage } from '@confab/chat-client';
import { Markdown } from './Markdown';
import { statusNote } from './words';
import styles from './conversation.module.css';

export interface MessageItemProps {
  message: ChatMessage;
  /** Written by the viewer (this browser, or the same identity elsewhere / before a reload). */
  mine: boolean;
  onRetry?: (message: ChatMessage) => void;
}

function initials(name: string): string {
  return name.trim().charAt(0).toUpperCase() || '?';
}

function MessageItemView({ message, mine, onRetry }: MessageItemProps) {
  const { author, status } = message;
  const isAgent = author.kind === 'agent';
  const note = statusNote(status);
  const side = mine ? styles.mine : styles.theirs;

  return (
    <li
      className={`${styles.message} ${side} ${isAgent ? styles.agent : ''}`}
      data-status={status}
      data-author-kind={author.kind}
      data-mine={mine ? 'true' : undefined}
      aria-busy={status === 'streaming' || status === 'sending' ? true : undefined}
    >
      {!mine && (
        <span className={styles.avatar} aria-hidden="true">
          {initials(author.display_name)}
        </span>
      )}
      <div className={styles.body}>
        <div className={styles.meta}>
          <span className={styles.author}>{mine ? 'You' : author.display_name}</span>
          {message.model === 'demo' && <span className={styles.badge}>Demo agent</span>}
          {message.source === 'voice' && <span className={styles.badgeMuted}>Voice</span>}
        </div>
        <div className={styles.bubble}>
          <div className={styles.markdown}>
            <Markdown content={message.content} />
            {status === 'streaming' && <span className={styles.caret} aria-hidden="true" data-testid="streaming-caret" />}
          </div>
        </div>
        {note && (
          <p className={`${styles.note} ${status === 'failed' || status === 'error' ? styles.noteError : ''}`}>
            {note}
            {status === 'failed' && message.error ? ` — ${message.error.message}` : null}
            {status === 'failed' && onRetry && (
              <button type="button" className={styles.linkButton} onClick={() => onRetry(message)}>
                Retry
              </button>
            )}
          </p>
        )}
      </div>
    </li>
  );
}

/**
 * Rows re-render only when what they show changes, so a streaming reply re-renders its own
 * row and not the hundreds above it (the store may hand out new objects for unchanged rows).
 */
export const MessageItem = memo(MessageItemView, (a, b) => {
  const x = a.message;
  const y = b.message;
  return (
    a.onRetry === b.onRetry &&
    x.key === y.key &&
    x.content === y.content &&
    x.status === y.status &&
    x.model === y.model &&
    a.mine === b.mine &&
    x.author.display_name === y.author.display_name &&
    x.error?.message === y.error?.message
  );
});
