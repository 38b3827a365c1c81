import type { Metadata } from 'next';
import Link from 'next/link';
import styles from './status.module.css';

export const metadata: Metadata = { title: 'Page not found' };

export default function NotFound() {
  return (
    <div className={styles.page}>
      <h1>Page not found</h1>
      <p>This page doesn&apos;t exist, or it isn&apos;t yours to see.</p>
      <div className={styles.actions}>
        <Link href="/" className={styles.primary}>
          Browse posts
        </Link>
        <Link href="/threads" className={styles.secondary}>
          Go to your threads
        </Link>
      </div>
    </div>
  );
}
