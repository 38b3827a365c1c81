'use client';

import { useEffect, useRef } from 'react';
import { announcement, announcementSignature, type AnnouncedView } from './announcements';

/**
 * A visually hidden polite live region saying what changed (`announcement`). It looks again only
 * when the signature of what it could tell changes (messages added, a status, the connection):
 * a streamed token changes a reply's text alone, and must not cost an effect per token. The words
 * are written straight into the element, not through React state, so they add no render either.
 */
export function Announcer({ view }: { view: AnnouncedView }) {
  const region = useRef<HTMLDivElement>(null);
  const previous = useRef(view);
  const signature = announcementSignature(view);
  // Runs with the view of the render whose signature changed: that is the one to compare.
  useEffect(() => {
    const words = announcement(previous.current, view);
    previous.current = view;
    if (words !== null && region.current) region.current.textContent = words;
    // `view` changes with every token; `signature` changes with what can be told.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature]);
  return <div ref={region} className="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer" />;
}
