'use client';

import { useInBrowser } from './hooks';
import { messageTime } from './words';

/**
 * A moment in the reader's time zone and locale ("2:05 PM" today, "Nov 27, 2:05 PM" before, or
 * with `clockOnly` the clock alone), whole in the tooltip. The server cannot know the zone, so its
 * HTML leaves the text empty and the browser fills it in after hydration (a UTC time would flash
 * first otherwise).
 */
export function LocalTime({ iso, className, clockOnly = false }: { iso: string; className?: string; clockOnly?: boolean }) {
  const words = useInBrowser() ? messageTime(iso, new Date()) : null;
  return (
    <time className={className} dateTime={iso} title={words?.full}>
      {clockOnly ? words?.clock : words?.short}
    </time>
  );
}
