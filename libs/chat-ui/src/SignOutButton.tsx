'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { callApi } from './api-client';
import styles from './site.module.css';

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const signOut = async () => {
    setPending(true);
    setError(null);
    const result = await callApi('/api/auth/signout', { method: 'POST' }, null);
    setPending(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    router.push('/');
    router.refresh();
  };

  return (
    <>
      <button type="button" className={styles.navButton} onClick={() => void signOut()} disabled={pending}>
        Sign out
      </button>
      {error && (
        <span role="alert" className={styles.navError}>
          {error}
        </span>
      )}
    </>
  );
}
