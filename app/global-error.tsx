'use client';

import './globals.css';
import styles from './status.module.css';

/** Last resort when the root layout itself fails: it must render its own <html>. */
export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className={styles.page} role="alert">
          <h1>Something went wrong</h1>
          <p>Confab couldn&apos;t load. Try again in a moment.</p>
          <div className={styles.actions}>
            <button type="button" className={styles.primary} onClick={() => retry()}>
              Try again
            </button>
          </div>
        </main>
      </body>
    </html>
  );
}
