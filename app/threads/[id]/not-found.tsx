import Link from 'next/link';
import { loadViewer } from '@confab/auth';
import { SignInLink } from '@confab/chat-ui';
import styles from '../../status.module.css';

/**
 * A thread the caller cannot open. Unknown ids and other people's threads read the same (nothing
 * to probe), but someone signed out may be looking at their own thread: they are asked to sign in,
 * and come back here after.
 */
export default async function ThreadNotFound() {
  const viewer = await loadViewer();
  if (viewer.kind === 'user') {
    return (
      <div className={styles.page}>
        <h1>Thread not found</h1>
        <p>This thread doesn&apos;t exist, or it belongs to someone else.</p>
        <div className={styles.actions}>
          <Link href="/threads" className={styles.primary}>
            Go to your threads
          </Link>
          <Link href="/" className={styles.secondary}>
            Browse posts
          </Link>
        </div>
      </div>
    );
  }
  return (
    <div className={styles.page}>
      <h1>This thread is private</h1>
      <p>Only the person who started it can open it. If it&apos;s yours, sign in to see it.</p>
      <div className={styles.actions}>
        <SignInLink className={styles.primary} />
        <Link href="/" className={styles.secondary}>
          Browse posts
        </Link>
      </div>
    </div>
  );
}
