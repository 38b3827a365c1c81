'use client';

import { useEffect, useRef } from 'react';
import { announcement, type AnnouncedView } from './announcements';

/**
 * A visually hidden polite live region saying what changed (`announcement`). The words are written
 * straight into the element, not through React state: a streamed token re-renders the
 * conversation, and this must not add a render of its own.
 */
export function Announcer({ view }: { view: AnnouncedView }) {
  const region = useRef<HTMLDivElement>(null);
  const previous = useRef(view);
  useEffect(() => {
    const words = announcement(previous.current, view);
    previous.current = view;
    if (words !== null && region.current) region.current.textContent = words;
  }, [view]);
  return <div ref={region} className="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer" />;
}
