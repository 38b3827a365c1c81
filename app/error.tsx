'use client';

import Link from 'next/link';
import { PAGE_ERROR_DIGEST } from '@confab/protocol';
import styles from './status.module.css';

/**
 * What went wrong, in words. In production Next.js passes only the error's `digest` here, never its
 * message: the chat service's outages carry a known one (`PAGE_ERROR_DIGEST`, set by @confab/auth).
 */
function explain(digest: string | undefined): string {
  switch (digest) {
    case PAGE_ERROR_DIGEST.tooSlow:
      return "Confab's chat service is taking too long to answer, so this page couldn't load. Try again in a moment.";
    case PAGE_ERROR_DIGEST.unreachable:
      return "Can't reach Confab's chat service right now, so this page couldn't load. It may be restarting; try again in a moment.";
    default:
      return "We couldn't load this page. The chat service may be restarting; try again in a moment.";
  }
}

/**
 * Unexpected failures of a page (most often: the chat service is down). Try again loads the page
 * anew rather than calling Next's `retry` (a refresh of the router): a reviewer saw that leave the
 * error in place after the service was back, and a page that failed has nothing to keep.
 */
export default function ErrorPage({ error }: { error: Error & { digest?: string } }) {
  return (
    <div className={styles.page} role="alert">
      {/* A client component cannot export metadata; React puts this <title> in the head. */}
      <title>Something went wrong · Confab</title>
      <h1>Something went wrong</h1>
      <p>{explain(error.digest)}</p>
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
