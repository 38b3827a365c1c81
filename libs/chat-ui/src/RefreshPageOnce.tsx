'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';

/**
 * Asks Next.js to render the page's server components again (client state stays) the first time
 * `when` is true: for what the server changed because of something done here.
 */
export function RefreshPageOnce({ when }: { when: boolean }) {
  const router = useRouter();
  const done = useRef(false);
  useEffect(() => {
    if (!when || done.current) return;
    done.current = true;
    router.refresh();
  }, [when, router]);
  return null;
}
