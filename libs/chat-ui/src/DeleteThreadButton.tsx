'use client';

import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { callApi } from './api-client';
import styles from './site.module.css';

type Step = 'idle' | 'confirming' | 'deleting';

/**
 * "Delete" on a thread in Your threads: asks once more in place (nothing else on the page moves),
 * then deletes it for good and refreshes the list. Focus follows: to "Cancel" when asked, back to
 * "Delete" when cancelled, to the page's heading once the row is gone, so keyboard users never
 * lose their place.
 */
export function DeleteThreadButton({ threadId, title }: { threadId: string; title: string }) {
  const router = useRouter();
  const [step, setStep] = useState<Step>('idle');
  const [error, setError] = useState<string | null>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const start = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (step === 'confirming') cancel.current?.focus();
    else if (step === 'idle' && wasConfirming.current) start.current?.focus();
    wasConfirming.current = step === 'confirming';
  }, [step]);

  const remove = async () => {
    setStep('deleting');
    setError(null);
    const result = await callApi(`/api/threads/${encodeURIComponent(threadId)}`, { method: 'DELETE' }, null);
    // Already gone (another tab) is what was asked for.
    if (result.ok || result.status === 404) {
      // The row (and this button) goes with the refresh: focus must not fall to the page's start.
      document.querySelector<HTMLElement>('main h1')?.focus();
      router.refresh();
      return;
    }
    setStep('confirming');
    setError(result.message);
  };

  if (step === 'idle') {
    return (
      <button ref={start} type="button" className={styles.quietButton} onClick={() => setStep('confirming')} aria-label={`Delete “${title}”`}>
        Delete
      </button>
    );
  }
  return (
    <div role="group" aria-label={`Delete “${title}”?`} className={styles.confirm}>
      <span>Delete for good?</span>
      <button type="button" className={styles.dangerButton} onClick={() => void remove()} disabled={step === 'deleting'} aria-busy={step === 'deleting' || undefined}>
        {step === 'deleting' ? 'Deleting…' : 'Delete'}
      </button>
      <button ref={cancel} type="button" className={styles.quietButton} onClick={() => setStep('idle')} disabled={step === 'deleting'}>
        Cancel
      </button>
      {error && (
        <p role="alert" className={styles.inlineError}>
          {error}
        </p>
      )}
    </div>
  );
}
