'use client';

import { useEffect, useRef } from 'react';
import { usePathname } from 'next/navigation';

/**
 * After a client-side navigation, the focus goes to the new page's heading (`main h1`, given
 * `tabIndex={-1}` by the pages that want it) when it fell to the page's body: Next's App Router
 * (16.4) leaves the focus alone, and the link that had it (a post's card on the home page) went
 * away with the old page, so a keyboard user started again from the top. Left as it is when
 * something kept or took the focus (a header link, a new thread's message box: `focusOnOpen`),
 * on the first load, and on touch screens (the composer's rule). `preventScroll`: the page stays
 * where Next scrolled it. Rendered after `<main>`, so the new page's own effects run first.
 */
export function FocusAfterNavigation(): null {
  const pathname = usePathname();
  const shown = useRef(pathname);
  useEffect(() => {
    if (shown.current === pathname) return;
    shown.current = pathname;
    if (document.activeElement !== document.body || !window.matchMedia('(pointer: fine)').matches) return;
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [pathname]);
  return null;
}
