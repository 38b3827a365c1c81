'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { callApi } from './api-client';
import styles from './site.module.css';

/** Opens a private thread with the post's agent (a visitor identity is made if needed): a new one, or the one you started here and have not written in yet. */
export function StartThreadButton({ postSlug }: { postSlug: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const start = async () => {
    setPending(true);
    setError(null);
    const result = await callApi(`/api/posts/${encodeURIComponent(postSlug)}/threads`, { method: 'POST', body: {} }, (answers) => answers.CreatedThread);
    if (!result.ok) {
      setPending(false);
      setError(result.code === 'RATE_LIMIT' ? 'Too many new threads at once. Wait a moment and try again.' : result.message);
      return;
    }
    router.push(`/threads/${result.data.thread.id}`);
  };

  return (
    <div className={styles.startThread}>
      <button type="button" className={styles.primaryButton} onClick={() => void start()} disabled={pending} aria-busy={pending || undefined}>
        Start a private thread
      </button>
      {error && (
        <p role="alert" className={styles.inlineError}>
          {error}
        </p>
      )}
    </div>
  );
}
