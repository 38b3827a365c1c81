'use client';

import { useState } from 'react';
import type { ConversationError } from '@confab/chat-client';
import { useNow } from './hooks';
import { errorText, secondsUntil } from './words';
import styles from './conversation.module.css';

export interface ErrorAlertProps {
  error: ConversationError | null;
  signInRequired: boolean;
  signInHref: string;
}

/**
 * The conversation's current problem in words. A rate limit counts down and disappears on
 * its own; other errors stay until dismissed (or replaced by a newer one).
 */
export function ErrorAlert({ error, signInRequired, signInHref }: ErrorAlertProps) {
  const [dismissed, setDismissed] = useState<ConversationError | null>(null);
  const now = useNow(error?.until != null);

  if (signInRequired) {
    return (
      <div role="alert" className={styles.alert}>
        Your session has ended. <a href={signInHref}>Sign in again</a> to keep chatting.
      </div>
    );
  }
  if (!error || error === dismissed) return null;
  const secondsLeft = secondsUntil(error.until, now);
  if (error.code === 'RATE_LIMIT' && error.until !== null && secondsLeft === 0) return null;

  return (
    <div role="alert" className={styles.alert}>
      <span>{errorText(error.code, error.message, secondsLeft)}</span>
      {error.code !== 'RATE_LIMIT' && (
        <button type="button" className={styles.dismiss} onClick={() => setDismissed(error)} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
