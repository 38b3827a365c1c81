'use client';

import Link from 'next/link';
import styles from './status.module.css';

/**
 * Unexpected failures of a page (most often: the chat service is down). Try again loads the page
 * anew rather than calling Next's `retry` (a refresh of the router): a reviewer saw that leave the
 * error in place after the service was back, and a page that failed has nothing to keep.
 */
export default function ErrorPage() {
  return (
    <div className={styles.page} role="alert">
      {/* A client component cannot export metadata; React puts this <title> in the head. */}
      <title>Something went wrong · Confab</title>
      <h1>Something went wrong</h1>
      <p>We couldn&apos;t load this page. The chat service may be restarting; try again in a moment.</p>
      <div className={styles.actions}>
        <button type="button" className={styles.primary} onClick={() => window.location.reload()}>
          Try again
        </button>
        <Link href="/" className={styles.secondary}>
          Back to posts
        </Link>
      </div>
    </div>
  );
}
