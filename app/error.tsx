'use client';

import Link from 'next/link';
import styles from './status.module.css';

/** Unexpected failures of a page (most often: the chat service is down). */
export default function ErrorPage({ retry }: { error: unknown; retry: () => void }) {
  return (
    <div className={styles.page} role="alert">
      <h1>Something went wrong</h1>
      <p>We couldn&apos;t load this page. The chat service may be restarting; try again in a moment.</p>
      <div className={styles.actions}>
        <button type="button" className={styles.primary} onClick={() => retry()}>
          Try again
        </button>
        <Link href="/" className={styles.secondary}>
          Back to posts
        </Link>
      </div>
    </div>
  );
}
