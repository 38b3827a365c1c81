'use client';

import { typingText } from './words';
import styles from './conversation.module.css';

/** Always mounted (an empty live region), so screen readers announce the text when it appears. */
export function TypingIndicator({ names }: { names: readonly string[] }) {
  const text = typingText(names);
  return (
    <div role="status" className={styles.typing} data-testid="typing-indicator">
      {text && (
        <>
          <span className={styles.dots} aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </>
      )}
    </div>
  );
}
